package dev.fetchfleet.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.CountingStore;
import dev.fetchfleet.bronze.ForwardingStore;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.bronze.S3Requests;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A chunk's checkpoint written by time: pages never wait for it, and everything fetched is written within an interval. */
class CheckpointLogTest {

    private static final RunRef RUN = new RunRef("feed", "2026-11-30", "run-1");
    private final ObjectMapper mapper = Json.newMapper();

    @TempDir
    Path root;

    /** Page {@code page} of chain {@code chain}, as a worker would tell it (for this package's checkpoint tests). */
    static BronzeRecord page(String chain, int page) {
        return new BronzeRecord("run-1", "feed", chain, "GET", "https://api.example.com/" + chain + "?p=" + page, 200,
                Map.of(), null, null, Instant.parse("2026-11-30T00:00:00Z"), 5, 1, null, page);
    }

    @Test
    void aChainsPagesGoOnWhileItsCheckpointWriteIsStuck() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        // A store whose checkpoint writes hang until released: a page that waited for one would hang too.
        BronzeWriter bronze = new BronzeWriter(new StuckWrites(new LocalBronzeStore(root), writing, release), mapper);
        try (CheckpointLog log = new CheckpointLog(bronze, RUN, 0, Clock.systemUTC(), dev.fetchfleet.Ticker.SYSTEM, Duration.ofMillis(50))) {
            log.fetched(page("a", 0), URI.create("https://api.example.com/a?p=1"));
            assertTrue(writing.await(60, TimeUnit.SECONDS), "the first interval's write began");

            // Every later page of the chain is taken while that write is stuck.
            CompletableFuture<Void> chain = CompletableFuture.runAsync(() -> {
                for (int p = 1; p < 50; p++) {
                    try {
                        log.fetched(page("a", p), p < 49 ? URI.create("https://api.example.com/a?p=" + (p + 1)) : null);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            chain.get(60, TimeUnit.SECONDS); // the write is still stuck: it is released only below

            release.countDown();
            log.seal();
        }
        ChunkProgress kept = CheckpointLog.read(bronze, RUN, 0);
        assertEquals(50, kept.records().size());
        assertTrue(kept.finished().contains("a"), "the last page, written at the seal, ended the chain");
    }

    @Test
    void whatIsFetchedIsWrittenWithinAnIntervalWithoutAnyoneAskingForIt() throws Exception {
        BronzeWriter bronze = new BronzeWriter(new LocalBronzeStore(root), mapper);
        try (CheckpointLog log = new CheckpointLog(bronze, RUN, 0, Clock.systemUTC(), dev.fetchfleet.Ticker.SYSTEM, Duration.ofMillis(100))) {
            for (int i = 0; i < 3; i++) {
                log.fetched(page("flat-" + i, 0), null); // flat requests: no chain waits on them
            }
            // Nobody seals or closes the log: its own writer must write them, as a worker killed now relies on.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (CheckpointLog.read(bronze, RUN, 0).records().size() < 3 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertEquals(3, CheckpointLog.read(bronze, RUN, 0).finished().size());
        }
    }

    @Test
    void oneWriteCarriesEveryChainsPagesOfAnInterval() throws Exception {
        CountingStore counted = new CountingStore(new LocalBronzeStore(root));
        BronzeWriter bronze = new BronzeWriter(counted, mapper);
        try (CheckpointLog log = new CheckpointLog(bronze, RUN, 0, Clock.systemUTC(), dev.fetchfleet.Ticker.SYSTEM, Duration.ofMinutes(1))) {
            for (int p = 0; p < 20; p++) {
                for (String chain : new String[] {"a", "b", "c", "d", "e"}) {
                    log.fetched(page(chain, p), URI.create("https://api.example.com/" + chain + "?p=" + (p + 1)));
                }
            }
            log.seal();
        }
        // 100 pages of 5 chains: one PUT at the seal, where a write per page cost a hundred.
        assertEquals(1, counted.counted().count(S3Requests.Kind.PUT, "checkpoints"));
        assertEquals(5, CheckpointLog.read(bronze, RUN, 0).resumeAt().size(), "each chain goes on from its page 20");
    }

    @Test
    void anIntervalInWhichNothingWasFetchedWritesNothing() throws Exception {
        CountingStore counted = new CountingStore(new LocalBronzeStore(root));
        BronzeWriter bronze = new BronzeWriter(counted, mapper);
        try (CheckpointLog log = new CheckpointLog(bronze, RUN, 0, Clock.systemUTC(), dev.fetchfleet.Ticker.SYSTEM, Duration.ofMillis(20))) {
            log.fetched(page("a", 0), URI.create("https://api.example.com/a?p=1"));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (log.segments().isEmpty() && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertEquals(1, log.segments().size(), "the page was written within its interval");
            Thread.sleep(400); // twenty intervals with nothing new: a writer that wrote every interval would have written again

            assertEquals(1, counted.counted().count(S3Requests.Kind.PUT, "checkpoints"), counted.counted().toString());
            assertEquals(1, log.segments().size());
        }
    }

    /** A store whose plain writes hang until released. */
    @Test
    void aShutdownAsksEveryOpenLogToWriteAtOnceNotOneAfterAnotherOnceEachHasGivenUp() throws Exception {
        int logs = 3;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(logs);
        // A store that hangs (an endpoint gone quiet): each log's write waits in it until released.
        BronzeWriter bronze = new BronzeWriter(new StuckWrites(new LocalBronzeStore(root), writing, release), mapper);
        java.util.List<CheckpointLog> open = new java.util.ArrayList<>();
        for (int chunk = 0; chunk < logs; chunk++) {
            // An interval of an hour: only the flush makes them write.
            CheckpointLog log = new CheckpointLog(bronze, RUN, chunk, Clock.systemUTC(), dev.fetchfleet.Ticker.SYSTEM, Duration.ofHours(1));
            log.fetched(page("c" + chunk, 0), null);
            open.add(log);
        }
        Thread shutdown = Thread.ofPlatform().start(() -> CheckpointLog.flushAll(open, Duration.ofSeconds(30)));
        try {
            // Before, the second log was asked only once the first had waited out its 30 s.
            assertTrue(writing.await(20, TimeUnit.SECONDS), "every log's write began: " + (logs - writing.getCount()) + " of " + logs);
        } finally {
            release.countDown();
            shutdown.join();
            for (CheckpointLog log : open) {
                log.close();
            }
        }
    }

    private record StuckWrites(BronzeStore store, CountDownLatch writing, CountDownLatch release) implements ForwardingStore {
        @Override
        public void put(String key, byte[] bytes) {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            store.put(key, bytes);
        }
    }
}
