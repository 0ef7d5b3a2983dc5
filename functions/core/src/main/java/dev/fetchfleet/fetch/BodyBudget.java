package dev.fetchfleet.fetch;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the response bytes one worker holds at once. A body of up to {@link #FREE_BYTES} needs nothing
 * from the budget (at most maxInFlight of them exist); a body that grows past that takes, in one go,
 * what it may still grow by up to its cap, and reads nothing more from its connection until it has it,
 * so TCP holds the sender back. Its share goes back once the page's record has been kept. Shares are
 * all or nothing: a body that holds one can always finish, so large bodies never wait on each other in
 * a circle.
 */
final class BodyBudget {

    static final int FREE_BYTES = 128 * 1024;

    private final Semaphore kib;
    private final int totalKib;

    BodyBudget(long bytes) {
        this.totalKib = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / 1024));
        this.kib = new Semaphore(totalKib, true);
    }

    /**
     * A sixteenth of the heap for the bodies that grow large, beside the small ones: a body is held as
     * bytes, then as decoded text or base64, then again as the checkpoint line it is written as, so about
     * four times its size at its peak (measured: README, Security).
     */
    static BodyBudget forHeap(long maxHeapBytes) {
        return new BodyBudget(maxHeapBytes / 16);
    }

    long bytes() {
        return totalKib * 1024L;
    }

    Share share() {
        return new Share();
    }

    /**
     * One page's claim on the budget, across its attempts: {@link #release()} between attempts (an
     * answer dropped for a retry), {@link #close()} once its record is kept. A body of an earlier attempt
     * that still waits for its share gets none.
     */
    final class Share implements AutoCloseable {
        private int heldKib;
        private int attempt;
        private boolean closed;

        synchronized int attempt() {
            return attempt;
        }

        /** Takes room for {@code bytes} more if it is free now. */
        boolean tryTake(int forAttempt, long bytes) {
            int want = kibFor(bytes);
            return kib.tryAcquire(want) && keep(forAttempt, want);
        }

        /** Waits for room for {@code bytes} more; false when the attempt has ended meanwhile. */
        boolean take(int forAttempt, long bytes) throws InterruptedException {
            int want = kibFor(bytes);
            while (!kib.tryAcquire(want, 100, TimeUnit.MILLISECONDS)) {
                synchronized (this) {
                    if (closed || attempt != forAttempt) {
                        return false;
                    }
                }
            }
            return keep(forAttempt, want);
        }

        private synchronized boolean keep(int forAttempt, int want) {
            if (closed || attempt != forAttempt) {
                kib.release(want);
                return false;
            }
            heldKib += want;
            return true;
        }

        /** Gives back what the last attempt held; the next attempt starts with nothing. */
        synchronized void release() {
            kib.release(heldKib);
            heldKib = 0;
            attempt++;
        }

        @Override
        public synchronized void close() {
            release();
            closed = true;
        }
    }

    private int kibFor(long bytes) {
        return (int) Math.min(totalKib, Math.max(1, (bytes + 1023) / 1024));
    }
}
