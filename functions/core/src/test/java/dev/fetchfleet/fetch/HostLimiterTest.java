package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.ManualTicker;
import dev.fetchfleet.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The rate one worker allows itself toward one host: halved on a 429, climbing back on success, paused by Retry-After. */
@Tag("unit")
class HostLimiterTest {

    @Test
    void halvesTheRateWhenTheHostThrottles() {
        HostLimiter limiter = new HostLimiter(4, 20, new ManualTicker());
        assertEquals(20, limiter.currentRate());

        limiter.throttled();

        assertEquals(10, limiter.currentRate());
    }

    @Test
    void halvesOnlyOnceForABurstOf429sWithinASecond() {
        HostLimiter limiter = new HostLimiter(4, 20, new ManualTicker());

        limiter.throttled();
        limiter.throttled();
        limiter.throttled();

        assertEquals(10, limiter.currentRate(), "three 429s of one burst are one signal");
    }

    @Test
    void halvesAgainForA429ASecondLaterButNotBelowTheFloor() {
        // A cap of 0.5/s has a floor of 0.2/s: halved once to 0.25, a second halving would give 0.125.
        ManualTicker ticker = new ManualTicker();
        HostLimiter limiter = new HostLimiter(4, 0.5, ticker);
        limiter.throttled();
        assertEquals(0.25, limiter.currentRate());

        ticker.advance(Duration.ofMillis(999));
        limiter.throttled();
        assertEquals(0.25, limiter.currentRate(), "999 ms later: still the same burst");
        ticker.advance(Duration.ofMillis(1));
        limiter.throttled();

        assertEquals(0.2, limiter.currentRate(), 1e-9);
    }

    @Test
    void neverDropsUnderTheFloorEvenOnTheFirst429() {
        HostLimiter low = new HostLimiter(4, 0.3, new ManualTicker());
        low.throttled();
        assertEquals(0.2, low.currentRate(), 1e-9, "the floor is 0.2/s");

        HostLimiter belowTheFloor = new HostLimiter(4, 0.1, new ManualTicker());
        belowTheFloor.throttled();
        assertEquals(0.1, belowTheFloor.currentRate(), 1e-9, "a cap under 0.2/s is its own floor");
    }

    @Test
    void climbsBackGraduallyToTheCapAndNeverAboveIt() {
        HostLimiter limiter = new HostLimiter(4, 20, new ManualTicker());
        limiter.throttled();

        limiter.succeeded();
        double afterOne = limiter.currentRate();
        assertTrue(afterOne > 10 && afterOne < 15, "one success moved the rate from 10 to " + afterOne);

        double previous = afterOne;
        for (int i = 0; i < 2_000; i++) {
            limiter.succeeded();
            double rate = limiter.currentRate();
            assertTrue(rate >= previous, "the rate fell on a success: " + previous + " -> " + rate);
            assertTrue(rate <= 20, "the rate went past the cap: " + rate);
            previous = rate;
        }
        assertEquals(20, limiter.currentRate(), "enough successes bring the rate back to the cap");
    }

    @Test
    void staysAtTheCapWhileNothingIsThrottled() {
        HostLimiter limiter = new HostLimiter(4, 20, new ManualTicker());
        for (int i = 0; i < 100; i++) {
            limiter.succeeded();
        }
        assertEquals(20, limiter.currentRate());
    }

    @Test
    void holdsTheNextStartForTheWholePause() throws InterruptedException {
        ManualTicker ticker = new ManualTicker();
        HostLimiter limiter = new HostLimiter(4, 1_000, ticker);
        long start = ticker.nanoTime();
        limiter.pause(TimeUnit.MILLISECONDS.toNanos(500));

        limiter.acquire();
        long waited = ticker.millisSince(start);
        limiter.release();

        assertEquals(500, waited, "started " + waited + " ms into a 500 ms pause");
    }

    @Test
    void spacesStartsByTheRateWithItsSlack() throws InterruptedException {
        ManualTicker ticker = new ManualTicker();
        HostLimiter limiter = new HostLimiter(4, 10, ticker);
        List<Long> starts = new ArrayList<>();

        for (int i = 0; i < 25; i++) {
            limiter.acquire();
            starts.add(ticker.nanoTime());
            limiter.release();
        }

        for (int i = 1; i < starts.size(); i++) {
            assertEquals(105, TimeUnit.NANOSECONDS.toMillis(starts.get(i) - starts.get(i - 1)), "1/10 s, 5% wider, at start " + i);
        }
    }

    @Test
    void holdsBackARequestAlreadyWaitingForItsTurnWhenAPauseComes() throws Exception {
        // Starts 2.1 s apart: the pause below must come while the second request waits, and a busy
        // machine would have to hold this thread up for two seconds to make it come too late.
        HostLimiter limiter = new HostLimiter(4, 0.5, Ticker.SYSTEM);
        long start = System.nanoTime();
        limiter.acquire();
        limiter.release();
        CompletableFuture<Long> second = startsAfterMillis(limiter, start);
        Thread.sleep(100); // the second request is now waiting for its turn, due at about 2,100 ms

        limiter.pause(TimeUnit.MILLISECONDS.toNanos(3_000)); // a Retry-After: nothing before about 3,100 ms

        long startedAt = second.get(20, TimeUnit.SECONDS);
        assertTrue(startedAt >= 3_000, "the waiting request started at " + startedAt + " ms, inside the pause");
    }

    @Test
    void slowsARequestAlreadyWaitingForItsTurnWhenTheHostThrottles() throws Exception {
        // Starts 2.1 s apart, 4.2 s once halved (the floor here is 0.2/s): the 429 below must come while
        // the second request waits, which a busy machine would have to delay by two seconds to spoil.
        HostLimiter limiter = new HostLimiter(4, 0.5, Ticker.SYSTEM);
        long start = System.nanoTime();
        limiter.acquire();
        limiter.release();
        CompletableFuture<Long> second = startsAfterMillis(limiter, start);
        Thread.sleep(50);

        limiter.throttled();

        long startedAt = second.get(20, TimeUnit.SECONDS);
        assertTrue(startedAt >= 4_000, "the waiting request started at " + startedAt + " ms, at the rate from before the 429");
    }

    /** Acquires on another thread; completes with when it was let start, in ms after {@code origin}. */
    private static CompletableFuture<Long> startsAfterMillis(HostLimiter limiter, long origin) {
        CompletableFuture<Long> started = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                limiter.acquire();
                started.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin));
                limiter.release();
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        });
        return started;
    }
}
