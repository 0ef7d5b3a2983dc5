package dev.fetchfleet.fetch;

import dev.fetchfleet.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one worker polite to one host: at most {@code maxConcurrency} requests in flight, and starts
 * spaced at least 1/rate apart, so no one-second window (the first included) starts more than the cap.
 * The rate is the job's cap until the host answers 429: then it halves (at most once a second), and
 * climbs back by 5% of the cap per second of successes (AIMD, as TCP does for congestion). A
 * Retry-After pauses every request to the host, not only the one that got it. Shared by every request
 * of the worker to that host.
 *
 * <p>Written here rather than taken from Resilience4j's RateLimiter: that one refills permits per
 * period, which lets a burst of a whole period's permits start at once at a period boundary, and so two
 * periods' worth inside one second.
 */
final class HostLimiter {

    /**
     * Spacing starts exactly 1/r apart puts r+1 starts exactly one second apart, so any jitter between a
     * start here and its arrival at the server (scheduling, a first request opening the connection) shows
     * the server r+1 starts in under a second. Spacing them 5% wider leaves 50 ms of each second for that.
     */
    static final double WINDOW_SLACK = 0.05;
    private static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final Semaphore inFlight;
    private final double capRate;
    private final double minRate;
    private double rate;
    private long lastStartNanos = Long.MIN_VALUE;
    private long pausedUntilNanos = Long.MIN_VALUE;
    private long lastDecreaseNanos = Long.MIN_VALUE;
    private final Ticker ticker;

    HostLimiter(int maxConcurrency, double requestsPerSecond, Ticker ticker) {
        this.ticker = ticker;
        this.inFlight = new Semaphore(maxConcurrency, true);
        this.capRate = requestsPerSecond;
        this.minRate = Math.min(requestsPerSecond, Math.max(0.2, requestsPerSecond / 64));
        this.rate = requestsPerSecond;
    }

    /** Blocks until this request may start; the caller must {@link #release()} once it ends. */
    void acquire() throws InterruptedException {
        inFlight.acquire();
        try {
            // Wait and ask again rather than book a start time: a 429 or a Retry-After that comes while
            // this request waits must hold it back too, not only the requests that arrive after it.
            for (long wait = tryStart(); wait > 0; wait = tryStart()) {
                ticker.sleep(wait);
            }
        } catch (InterruptedException e) {
            inFlight.release();
            throw e;
        }
    }

    /**
     * As {@link #acquire()}, but gives up, holding nothing, when the host is paused (a Retry-After), so
     * the caller can let go of the worker's in-flight permit while it waits the pause out.
     */
    boolean acquireUnlessPaused() throws InterruptedException {
        inFlight.acquire();
        try {
            for (long wait = tryStart(); wait > 0; wait = tryStart()) {
                if (pauseLeft().isPositive()) {
                    inFlight.release();
                    return false;
                }
                ticker.sleep(wait);
            }
            return true;
        } catch (InterruptedException e) {
            inFlight.release();
            throw e;
        }
    }

    void release() {
        inFlight.release();
    }

    synchronized double currentRate() {
        return rate;
    }

    /**
     * What an answer teaches about the host: a 429 slows it down, any other answer lets it speed up
     * again, and a Retry-After on an answer worth retrying quiets the whole host.
     */
    void heard(int status, boolean retryable, java.util.Optional<Duration> retryAfter) {
        if (status == 429) {
            throttled();
        } else {
            succeeded();
        }
        if (retryable) {
            retryAfter.ifPresent(quiet -> pause(quiet.toNanos()));
        }
    }

    /** The host said 429: halve the rate, unless it was halved less than a second ago (one burst, one cut). */
    synchronized void throttled() {
        long now = ticker.nanoTime();
        if (lastDecreaseNanos == Long.MIN_VALUE || now - lastDecreaseNanos >= ONE_SECOND) {
            rate = Math.max(minRate, rate / 2);
            lastDecreaseNanos = now;
        }
    }

    /** A request got an answer that was not a 429: let the rate climb back toward the cap. */
    synchronized void succeeded() {
        if (rate < capRate) {
            rate = Math.min(capRate, rate + Math.max(1, capRate * 0.05) / rate);
        }
    }

    /** No request to this host starts before {@code nanos} from now (a Retry-After). */
    synchronized void pause(long nanos) {
        long until = ticker.nanoTime() + nanos;
        if (pausedUntilNanos == Long.MIN_VALUE || pausedUntilNanos < until) {
            pausedUntilNanos = until;
        }
    }

    /** How much of a Retry-After pause is left: a request handed back for it must not be tried before then. */
    synchronized Duration pauseLeft() {
        long left = pausedUntilNanos == Long.MIN_VALUE ? 0 : pausedUntilNanos - ticker.nanoTime();
        return Duration.ofNanos(Math.max(0, left));
    }

    /** 0 when a request may start now (it is then counted as started), else how long to wait before asking again. */
    private synchronized long tryStart() {
        long now = ticker.nanoTime();
        long earliest = now;
        if (lastStartNanos != Long.MIN_VALUE) {
            earliest = Math.max(earliest, lastStartNanos + (long) Math.ceil(ONE_SECOND * (1 + WINDOW_SLACK) / rate));
        }
        if (pausedUntilNanos != Long.MIN_VALUE) {
            earliest = Math.max(earliest, pausedUntilNanos);
        }
        if (earliest > now) {
            return earliest - now;
        }
        lastStartNanos = now;
        return 0;
    }

    /**
     * Takes the worker's in-flight permit ({@code inFlight}) and this host's, waiting out the host's
     * Retry-After pause with neither held, so that requests to other hosts go on meanwhile. False, holding nothing, when the
     * pause ends after {@code startDeadline}: the request goes back for a later delivery at once rather
     * than sleep to the deadline.
     */
    boolean acquire(Semaphore inFlight, Clock clock, Instant startDeadline) throws InterruptedException {
        while (true) {
            Duration pause = pauseLeft();
            if (pause.isPositive()) {
                if (clock.instant().plus(pause).isAfter(startDeadline)) {
                    return false;
                }
                ticker.sleep(pause);
                continue;
            }
            inFlight.acquire();
            if (acquireUnlessPaused()) {
                return true;
            }
            inFlight.release();
        }
    }
}
