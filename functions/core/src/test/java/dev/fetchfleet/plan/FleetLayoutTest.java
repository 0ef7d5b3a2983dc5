package dev.fetchfleet.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fleet's arithmetic: lanes × each lane's share never passes the API's caps, and the run still reaches them. */
@Tag("unit")
class FleetLayoutTest {

    private static List<RequestSpec> requests(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> new RequestSpec("r" + i, "GET", URI.create("https://api.example.com/items/" + i), Map.of(), null))
                .toList();
    }

    private static FetchConfig caps(int maxConcurrency, double rate) {
        return new FetchConfig(256, new FetchConfig.PerHost(maxConcurrency, rate), 30, FetchConfig.Retry.DEFAULT);
    }

    @ParameterizedTest(name = "{0} requests, {1} workers, cap {2} in flight and {3}/s")
    @CsvSource({
            "2000, 1, 100, 1000", "2000, 4, 100, 1000", "2000, 10, 100, 1000", "2000, 50, 100, 1000",
            "600, 10, 20, 60", "600, 50, 20, 60", "4000, 10, 400, 1000", "1000, 10, 1000, 1000",
            "1000, 10, 3, 1000", "1000, 10, 100, 15", "5, 10, 100, 1000", "30, 50, 7, 2.5", "100, 0, 10, 10"})
    void neverSharesMoreThanTheCapsAmongTheChunksThatRunAtOnce(int n, int workers, int maxConcurrency, double rate) {
        // Whether the job states its chunk size or leaves it to the layout.
        for (OptionalInt stated : List.of(OptionalInt.of(100), OptionalInt.empty())) {
            holdsTheCaps(n, workers, maxConcurrency, rate, stated);
        }
    }

    private static void holdsTheCaps(int n, int workers, int maxConcurrency, double rate, OptionalInt stated) {
        FetchConfig fetch = caps(maxConcurrency, rate);
        FleetLayout layout = FleetLayout.plan(requests(n), stated, fetch, workers, Duration.ofMillis(500), 1);
        List<Chunk> chunks = ChunkPlanner.plan(null, requests(n), layout, fetch);

        // At most min(workers, chunks) chunks run at once, whatever the order SQS hands them out in.
        int atOnce = workers <= 0 ? chunks.size() : Math.min(workers, chunks.size());
        assertTrue(atOnce <= layout.lanes(), () -> atOnce + " chunks can run at once, but the caps were shared by " + layout.lanes());
        FetchConfig.PerHost share = chunks.getFirst().fetchShare().perHost();
        assertTrue((long) atOnce * share.maxConcurrency() <= maxConcurrency,
                () -> atOnce + " x " + share.maxConcurrency() + " in flight passes the API's " + maxConcurrency);
        // A worker spaces its starts 1/share apart: at most ⌊share⌋ starts in any second where the share is one or more.
        double startsPerSecond = share.requestsPerSecond() >= 1 ? Math.floor(share.requestsPerSecond()) : 1;
        assertTrue(atOnce * startsPerSecond <= Math.max(1, rate),
                () -> atOnce + " x " + startsPerSecond + " starts a second passes the API's " + rate);
        assertEquals(n, chunks.stream().mapToInt(c -> c.requests().size()).sum(), "every request in one chunk");
        assertEquals(layout.chunks(), chunks.size());
    }

    @Test
    void fillsWholeRoundsOfTheConcurrencyCapSoTheRunEndsAtItsBound() {
        // 4,000 one-second calls at 400 in flight: the bound is 10 s. Chunks of 100 on 10 workers get 40
        // in flight each: 3 rounds a chunk, 4 waves, 12 s. Chunks of 80 take 2 rounds in 5 waves: 10 s.
        FleetLayout layout = FleetLayout.plan(requests(4_000), 100, caps(400, 10_000), 10, Duration.ofSeconds(1), 1);

        assertEquals(10, layout.lanes());
        int share = 400 / layout.lanes();
        long rounds = (long) Math.ceil(layout.chunks() / (double) layout.lanes()) * (long) Math.ceil(layout.chunkSize() / (double) share);
        assertEquals(10, rounds, () -> "layout " + layout);
    }

    @Test
    void keepsChunkSizeWhenItAlreadyFillsTheFleet() {
        FleetLayout layout = FleetLayout.plan(requests(1_000), 100, caps(1_000, 1_000), 10, Duration.ofMinutes(1), 1);
        assertEquals(new FleetLayout(100, 10, 10), layout);
    }

    @Test
    void letsFewerWorkersFetchWhenTheCapIsBelowTheWorkerCount() {
        FleetLayout layout = FleetLayout.plan(requests(1_000), 100, caps(3, 1_000), 10, Duration.ofSeconds(1), 1);
        assertEquals(new FleetLayout(334, 3, 3), layout);
    }

    @Test
    void takesEveryChunkToRunAtOnceWhenTheFleetSizeIsUnknown() {
        FleetLayout layout = FleetLayout.plan(requests(1_000), 100, caps(100, 1_000), 0, Duration.ofSeconds(1), 1);
        assertEquals(layout.chunks(), layout.lanes());
    }

    @Test
    void boundsTheLanesByTheHostsAChainMayFollowItsLinksTo() {
        var paginate = new dev.fetchfleet.job.Paginate("link", null, null, null, null, null, null, 10, List.of("cdn.example.com"));
        List<RequestSpec> chains = IntStream.range(0, 1_000).mapToObj(i -> new RequestSpec("r" + i, "GET",
                URI.create("https://api.example.com/items/" + i), Map.of(), null, paginate)).toList();
        FetchConfig fetch = new FetchConfig(256, new FetchConfig.PerHost(100, 1_000),
                Map.of("cdn.example.com", new FetchConfig.PerHost(2, 100)), 30, FetchConfig.Retry.DEFAULT, 0, List.of(), false);

        assertEquals(2, FleetLayout.plan(chains, 100, fetch, 10, Duration.ofSeconds(1), 1).lanes());
    }

    @Test
    void laysOutOneWaveOfLargerChunksWhenTheJobLeavesTheChunkSizeToIt() {
        // 4,000 one-second calls at 400 in flight on 10 workers: with chunks of at most 100 the run needs
        // five waves of 80 (a gap between waves each time); left to the layout, one wave of ten chunks of 400.
        FleetLayout layout = FleetLayout.plan(requests(4_000), OptionalInt.empty(), caps(400, 10_000), 10, Duration.ofSeconds(1), 1);
        assertEquals(new FleetLayout(400, 10, 10), layout);
    }

    @Test
    void keepsAChosenChunkWithinFiveMinutes() {
        // 20,000 one-minute calls at 1,000 in flight on 10 workers: chunks of 1,000 would take 10 rounds
        // (600 s) each; chunks of 500 take 300 s, in two waves, for the same bound.
        FleetLayout layout = FleetLayout.plan(requests(20_000), OptionalInt.empty(), caps(1_000, 10_000), 10, Duration.ofMinutes(1), 1);
        assertEquals(new FleetLayout(500, 40, 10), layout);
    }

    @Test
    void aChosenChunkIsNeverSmallerThanTheDefaultNorLargerThanTheLargestAJobMayState() {
        assertEquals(new FleetLayout(100, 3, 3),
                FleetLayout.plan(requests(300), OptionalInt.empty(), caps(300, 10_000), 10, Duration.ofSeconds(1), 1),
                "300 calls that take 1 s at 300 in flight: one round however they are cut, so the fewest chunks of the default size");
        assertEquals(1_000, FleetLayout.plan(requests(50_000), OptionalInt.empty(), caps(900, 10_000), 10,
                Duration.ofMillis(100), 1).chunkSize());
    }

    @Test
    void chainsKeepTheDefaultChunkSizeWhenTheJobStatesNone() {
        var paginate = new dev.fetchfleet.job.Paginate("link", null, null, null, null, null, null, 10, List.of());
        List<RequestSpec> chains = IntStream.range(0, 4_000).mapToObj(i -> new RequestSpec("r" + i, "GET",
                URI.create("https://api.example.com/items/" + i), Map.of(), null, paginate)).toList();
        FleetLayout layout = FleetLayout.plan(chains, OptionalInt.empty(), caps(400, 10_000), 10, Duration.ofSeconds(1), 1);
        assertTrue(layout.chunkSize() <= 100, () -> "chunks of chains hold pages × requests records: " + layout);
    }
}
