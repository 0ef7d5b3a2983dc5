package dev.fetchfleet.fetch;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one worker polite to one host: at most {@code maxConcurrency} requests in flight, and starts
 * spaced at least 1/{@code requestsPerSecond} apart, so no one-second window (the first included)
 * starts more than the cap. Shared by every request of the worker to that host.
 */
final class HostLimiter {

    /**
     * Spacing starts exactly 1/r apart puts r+1 starts exactly one second apart, so any jitter between a
     * start here and its arrival at the server (scheduling, a first request opening the connection) shows
     * the server r+1 starts in under a second. Spacing them 5% wider leaves 50 ms of each second for that.
     */
    static final double WINDOW_SLACK = 0.05;

    private final Semaphore inFlight;
    private final long intervalNanos;
    private long nextStartNanos = Long.MIN_VALUE;

    HostLimiter(int maxConcurrency, double requestsPerSecond) {
        this.inFlight = new Semaphore(maxConcurrency, true);
        this.intervalNanos = (long) Math.ceil(1_000_000_000d * (1 + WINDOW_SLACK) / requestsPerSecond);
    }

    /** Blocks until this request may start; the caller must {@link #release()} once it ends. */
    void acquire() throws InterruptedException {
        inFlight.acquire();
        try {
            long wait = reserveStart();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        } catch (InterruptedException e) {
            inFlight.release();
            throw e;
        }
    }

    void release() {
        inFlight.release();
    }

    private synchronized long reserveStart() {
        long now = System.nanoTime();
        long start = nextStartNanos == Long.MIN_VALUE ? now : Math.max(now, nextStartNanos);
        nextStartNanos = start + intervalNanos;
        return start - now;
    }
}
