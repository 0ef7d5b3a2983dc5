package dev.fetchfleet.fetch;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one worker polite to one host: at most {@code maxConcurrency} requests in flight, and starts
 * spaced at least 1/{@code requestsPerSecond} apart, so no one-second window (the first included)
 * starts more than the cap. Shared by every request of the worker to that host.
 */
final class HostLimiter {

    private final Semaphore inFlight;
    private final long intervalNanos;
    private long nextStartNanos = Long.MIN_VALUE;

    HostLimiter(int maxConcurrency, double requestsPerSecond) {
        this.inFlight = new Semaphore(maxConcurrency, true);
        // Round the interval up so that r starts never fit in under a second.
        this.intervalNanos = (long) Math.ceil(1_000_000_000d / requestsPerSecond);
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
