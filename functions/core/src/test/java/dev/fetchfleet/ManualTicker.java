package dev.fetchfleet;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} whose time moves only when a test advances it or something sleeps on it: a sleep
 * returns at once, its time having passed. What a test then measures is the code's own spacing, which a
 * busy machine cannot stretch or squeeze.
 */
public final class ManualTicker implements Ticker {

    /** Not 0: code may read 0 as "not started". */
    private final AtomicLong now = new AtomicLong(Duration.ofDays(1).toNanos());

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        now.addAndGet(Math.max(0, nanos));
    }

    public void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }
}
