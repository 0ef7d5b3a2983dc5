package dev.fetchfleet;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Monotonic time, for what is measured or spaced rather than dated: elapsed times, a host's rate and
 * pauses, a checkpoint's flush interval, the waits between them. {@link #SYSTEM} ({@code System.nanoTime},
 * a real sleep) everywhere but tests, which hand in one whose time moves only when told (or slept), so a
 * busy machine cannot change what they see. Dates come from a {@link java.time.Clock}.
 */
public interface Ticker {

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();

    /** Waits {@code nanos} of this ticker's time. */
    void sleep(long nanos) throws InterruptedException;

    default void sleep(Duration duration) throws InterruptedException {
        sleep(duration.toNanos());
    }

    /** Milliseconds since {@code startNanos}, a value of {@link #nanoTime()}. */
    default long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanoTime() - startNanos);
    }

    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }

        @Override
        public String toString() {
            return "Ticker.SYSTEM";
        }
    };
}
