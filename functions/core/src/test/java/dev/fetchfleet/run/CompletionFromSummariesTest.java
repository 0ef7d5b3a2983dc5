package dev.fetchfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.CountingStore;
import dev.fetchfleet.bronze.ForwardingStore;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.bronze.S3Requests;
import dev.fetchfleet.bronze.Upload;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run completed from its parts' summaries: one completer, no part read, one LIST per chunk however many chunks. */
class CompletionFromSummariesTest {

    private static final RunRef RUN = new RunRef("posts", "2026-03-01", "run-1");
    private static final Instant STARTED = Instant.parse("2026-03-01T12:00:00Z");
    private final ObjectMapper mapper = Json.newMapper();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:05:00Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    private static BronzeRecord record(String id, int status) {
        return new BronzeRecord("run-1", "posts", id, "GET", "https://api.example.com/posts/" + id, status,
                Map.of(), TextNode.valueOf("x"), "text", STARTED, 5, 1, null, 0);
    }

    /** A run of {@code chunks} chunks, each part (two records, one 404 in chunk 0) and its summary written as a worker does. */
    private void writeRun(BronzeStore store, int chunks, boolean withParts) {
        new RunFiles(store, mapper).writeManifest(new Manifest(RUN.runId(), RUN.source(), RUN.ingestDate(), STARTED, chunks * 2,
                chunks, 2, mapper.createObjectNode().put("source", "posts")));
        RunCompletion completion = new RunCompletion(store, mapper, clock);
        for (int c = 0; c < chunks; c++) {
            List<BronzeRecord> records = List.of(record("r" + c + "a", 200), record("r" + c + "b", c == 0 ? 404 : 200));
            if (withParts) {
                new BronzeWriter(store, mapper).writePart(RUN, c, records);
            }
            PartTally.Counting counting = new PartTally.Counting(null, null);
            records.forEach(counting::add);
            // As a worker counts them: its part, its summary and its completion check's LIST.
            S3Requests chunkRequests = new S3Requests(Map.of("PUT", Map.of("parts", 1L, "part_summaries", 1L),
                    "LIST", Map.of("part_summaries", 1L)));
            completion.writeSummary(RUN, new PartSummary(c, counting.tally(), chunkRequests));
        }
    }

    @Test
    void theCompleterReadsSummariesAndNoPart() {
        LocalBronzeStore local = new LocalBronzeStore(root);
        writeRun(local, 5, true);
        CountingStore counted = new CountingStore(local);

        Success success = new RunCompletion(counted, mapper, clock).partDone(RUN, 4, 5).orElseThrow();

        assertEquals(10, success.requests());
        assertEquals(Map.of("200", 9L, "404", 1L), success.statusCounts());
        S3Requests seen = counted.counted();
        assertEquals(0, seen.count(S3Requests.Kind.GET, "parts"), "no part read: " + seen);
        assertEquals(0, seen.count(S3Requests.Kind.HEAD, "parts"), "no part looked up: " + seen);
        assertEquals(5, seen.count(S3Requests.Kind.GET, "part_summaries"), seen.toString());
        assertEquals(1, seen.count(S3Requests.Kind.LIST, "part_summaries"), "one LIST of the chunk's group: " + seen);
        // _SUCCESS counts every chunk's requests from its summary, and the completer's own.
        assertEquals(5, success.s3Requests().count(S3Requests.Kind.PUT, "parts"));
        assertEquals(5, success.s3Requests().count(S3Requests.Kind.GET, "part_summaries"));
        assertEquals(2, success.s3Requests().count(S3Requests.Kind.PUT, "markers"), "the claim and _SUCCESS: " + success.s3Requests());
        assertEquals(5, success.s3Requests().count(S3Requests.Kind.LIST, "part_summaries"), "each chunk's check: " + success.s3Requests());
    }

    /** Writes chunk {@code c}'s part as a worker of this version does: carrying its summary, or without it when it does not fit. */
    private PartSummary writePartCarryingItsSummary(BronzeStore store, int c, String largest) {
        List<BronzeRecord> records = List.of(record("r" + c + "a", 200), record("r" + c + "b", c == 0 ? 404 : 200));
        PartTally.Counting counting = new PartTally.Counting(null, null);
        records.forEach(counting::add);
        PartTally tally = counting.tally();
        tally = new PartTally(tally.parts(), tally.statusCounts(), tally.requests(), tally.records(), tally.duplicates(),
                tally.succeeded(), tally.failedRequests(), tally.noAnswer(), tally.refused(), tally.cut(), tally.sequentialMillis(), largest);
        PartSummary summary = new PartSummary(c, tally, new S3Requests(Map.of("PUT", Map.of("parts", 1L), "LIST", Map.of("parts", 1L))));
        RunCompletion completion = new RunCompletion(store, mapper, clock);
        Map<String, String> metadata = completion.asMetadata(summary);
        byte[] part = new BronzeWriter(store, mapper).encodePart(records);
        assertTrue(store.putIfAbsent(RUN.partKey(c), new Upload(part.length, () -> new ByteArrayInputStream(part)), metadata));
        if (metadata.isEmpty()) {
            completion.writeSummary(RUN, summary);
        }
        return summary;
    }

    @Test
    void theCompleterReadsEachPartsSummaryFromItsHeadAndNoSummaryObject() {
        LocalBronzeStore local = new LocalBronzeStore(root);
        new RunFiles(local, mapper).writeManifest(new Manifest(RUN.runId(), RUN.source(), RUN.ingestDate(), STARTED, 10, 5, 2,
                mapper.createObjectNode().put("source", "posts")));
        for (int c = 0; c < 5; c++) {
            writePartCarryingItsSummary(local, c, "2026-03-0" + (c + 1));
        }
        assertEquals(List.of(), local.list(RUN.summariesPrefix()), "no summary object beside the parts");
        CountingStore counted = new CountingStore(local);

        Success success = new RunCompletion(counted, mapper, clock).partDone(RUN, 4, 5, true).orElseThrow();

        assertEquals(10, success.requests());
        assertEquals(Map.of("200", 9L, "404", 1L), success.statusCounts());
        S3Requests seen = counted.counted();
        assertEquals(0, seen.count(S3Requests.Kind.GET, "parts"), "no part read: " + seen);
        assertEquals(0, seen.count(S3Requests.Kind.GET, "part_summaries"), "no summary object read: " + seen);
        assertEquals(5, seen.count(S3Requests.Kind.HEAD, "parts"), "a HEAD of each part: " + seen);
        assertEquals(1, seen.count(S3Requests.Kind.LIST, "parts"), "one LIST, of the chunk's group of parts: " + seen);
        assertEquals(0, seen.count(S3Requests.Kind.LIST, "part_summaries"), seen.toString());
        assertEquals(5, success.s3Requests().count(S3Requests.Kind.PUT, "parts"));
        assertEquals(5, success.s3Requests().count(S3Requests.Kind.HEAD, "parts"), "the completer's HEADs: " + success.s3Requests());
        assertEquals(0, success.s3Requests().count(S3Requests.Kind.PUT, "part_summaries"), success.s3Requests().toString());
    }

    @Test
    void aSummaryTooLargeForItsPartsMetadataIsAnObjectOfItsOwnAndCompletionReadsIt() {
        LocalBronzeStore local = new LocalBronzeStore(root);
        new RunFiles(local, mapper).writeManifest(new Manifest(RUN.runId(), RUN.source(), RUN.ingestDate(), STARTED, 4, 2, 2,
                mapper.createObjectNode().put("source", "posts")));
        String large = "2026-03-01T00:00:00Z-" + "é".repeat(1_500); // past 2 KB once escaped to ASCII
        writePartCarryingItsSummary(local, 0, "2026-02-01");
        writePartCarryingItsSummary(local, 1, large);
        assertTrue(local.head(RUN.partKey(0)).orElseThrow().containsKey(RunCompletion.SUMMARY_METADATA));
        assertEquals(Map.of(), local.head(RUN.partKey(1)).orElseThrow(), "too large: the part carries none");
        assertTrue(local.exists(RUN.summaryKey(1)));
        CountingStore counted = new CountingStore(local);

        Success success = new RunCompletion(counted, mapper, clock).partDone(RUN, 1, 2, true).orElseThrow();

        assertEquals(4, success.requests());
        assertEquals(1, counted.counted().count(S3Requests.Kind.GET, "part_summaries"), "only the one that did not fit: " + counted.counted());
        assertEquals(0, counted.counted().count(S3Requests.Kind.GET, "parts"));
    }

    @Test
    void aSummaryCarriedInMetadataIsReadBackWhole() {
        LocalBronzeStore local = new LocalBronzeStore(root);
        PartSummary written = writePartCarryingItsSummary(local, 3, "2026-03-01T00:00:00Z-\u00e9\"quoted\"\n");
        RunCompletion completion = new RunCompletion(local, mapper, clock);
        Map<String, String> metadata = local.head(RUN.partKey(3)).orElseThrow();
        assertTrue(metadata.get(RunCompletion.SUMMARY_METADATA).chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f),
                "a header's value: printable ASCII only");
        assertEquals(written, completion.carried(RUN.partKey(3), metadata).orElseThrow());
    }

    @Test
    void ofManyWorkersFinishingTogetherExactlyOneWritesSuccess() throws Exception {
        int workers = 12;
        LocalBronzeStore local = new LocalBronzeStore(root);
        writeRun(local, workers, false);
        AtomicInteger successWrites = new AtomicInteger();
        // Every worker lists its group at the same moment, so all of them see every summary there.
        CyclicBarrier together = new CyclicBarrier(workers);
        BronzeStore racing = new Racing(local, together, successWrites);
        List<Future<Optional<Success>>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(workers)) {
            for (int c = 0; c < workers; c++) {
                int chunk = c;
                results.add(threads.submit(() -> new RunCompletion(racing, mapper, clock).partDone(RUN, chunk, workers)));
            }
        }
        long completed = 0;
        for (Future<Optional<Success>> result : results) {
            completed += result.get().isPresent() ? 1 : 0;
        }
        assertEquals(1, completed);
        assertEquals(1, successWrites.get(), "one _SUCCESS write was tried");
        assertTrue(local.exists(RUN.successKey()));
    }

    @Test
    void pastAThousandChunksEachWorkerListsOnePageAndTheLastGroupsLastCompletes() {
        int chunks = 2_100; // three groups
        LocalBronzeStore local = new LocalBronzeStore(root);
        writeRun(local, chunks, false);

        for (int chunk : new int[] {7, 1_500, 2_099}) {
            CountingStore counted = new CountingStore(local);
            Optional<Success> done = new RunCompletion(counted, mapper, clock).partDone(RUN, chunk, chunks);
            assertEquals(chunk == 2_099, done.isPresent(), "chunk " + chunk);
            assertEquals(2, counted.counted().total(S3Requests.Kind.LIST), "its group's page and the groups' marks: " + counted.counted());
            if (done.isPresent()) {
                assertEquals(4_200, done.get().requests());
                assertEquals(0, counted.counted().count(S3Requests.Kind.GET, "parts"));
            }
        }
    }

    @Test
    void aClaimLeftByAWorkerThatDiedIsTakenOverAfterItsLease() {
        LocalBronzeStore local = new LocalBronzeStore(root);
        writeRun(local, 2, false);
        local.put(RUN.completionClaimKey(), ("{\"claimant\":\"dead\",\"claimed_at\":\"" + clock.instant() + "\"}")
                .getBytes(StandardCharsets.UTF_8));

        assertEquals(Optional.empty(), new RunCompletion(local, mapper, clock).partDone(RUN, 1, 2), "the claim is fresh");

        Clock later = Clock.offset(clock, RunCompletion.CLAIM_LEASE.plus(Duration.ofSeconds(1)));
        assertTrue(new RunCompletion(local, mapper, later).partDone(RUN, 1, 2).isPresent(), "the dead worker's claim has lapsed");
    }

    /** Writes chunk {@code c}'s part (two records) carrying {@code carried} as its summary metadata, verbatim. */
    private void writePartCarrying(BronzeStore store, int c, String carried) {
        byte[] part = new BronzeWriter(store, mapper).encodePart(List.of(record("r" + c + "a", 200), record("r" + c + "b", 200)));
        assertTrue(store.putIfAbsent(RUN.partKey(c), new Upload(part.length, () -> new ByteArrayInputStream(part)),
                carried == null ? Map.of() : Map.of(RunCompletion.SUMMARY_METADATA, carried)));
    }

    @Test
    void aPartWhoseCarriedSummaryIsUnreadableIsSummarisedFromThePartAndTheRunCompletes() {
        LocalBronzeStore local = new LocalBronzeStore(root);
        new RunFiles(local, mapper).writeManifest(new Manifest(RUN.runId(), RUN.source(), RUN.ingestDate(), STARTED, 10, 5, 2,
                mapper.createObjectNode().put("source", "posts")));
        writePartCarryingItsSummary(local, 0, "2026-03-01");
        // A strange answer from the store: metadata cut short, not JSON at all, empty, JSON without a tally.
        writePartCarrying(local, 1, "{\"schema_version\":1,\"chunk\":1,\"tally\":{\"requ");
        writePartCarrying(local, 2, "<Error><Code>InternalError</Code></Error>");
        writePartCarrying(local, 3, "");
        writePartCarrying(local, 4, "{\"schema_version\":1,\"chunk\":4}");
        CountingStore counted = new CountingStore(local);

        // Before, each delivery's completion threw "cannot read the part summary" and let go of its claim:
        // every part was there and the run could never complete.
        Success success = new RunCompletion(counted, mapper, clock).partDone(RUN, 4, 5, true).orElseThrow();

        assertEquals(10, success.requests());
        assertEquals(Map.of("200", 9L, "404", 1L), success.statusCounts());
        assertEquals(4, counted.counted().count(S3Requests.Kind.GET, "parts"), "only the four unreadable ones read: " + counted.counted());
        for (int c = 1; c <= 4; c++) {
            assertTrue(local.exists(RUN.summaryKey(c)), "chunk " + c + "'s summary kept as an object, for a completer after");
        }
    }

    @Test
    void aPartSummaryOfAFutureVersionIsRefusedNamingItsPartAndTheClaimIsLetGo() {
        LocalBronzeStore local = new LocalBronzeStore(root);
        new RunFiles(local, mapper).writeManifest(new Manifest(RUN.runId(), RUN.source(), RUN.ingestDate(), STARTED, 4, 2, 2,
                mapper.createObjectNode().put("source", "posts")));
        writePartCarryingItsSummary(local, 0, "2026-03-01");
        writePartCarrying(local, 1, "{\"schema_version\":99,\"chunk\":1}");

        // Not summarised from the part: a newer worker wrote it, and this one must not read its fields as defaults.
        dev.fetchfleet.WireFormat.Refused refused = org.junit.jupiter.api.Assertions.assertThrows(dev.fetchfleet.WireFormat.Refused.class,
                () -> new RunCompletion(local, mapper, clock).partDone(RUN, 1, 2, true));

        assertTrue(refused.getMessage().contains("part-00001.jsonl.gz"), refused.getMessage());
        assertTrue(refused.getMessage().contains("newer"), refused.getMessage());
        assertTrue(!local.exists(RUN.completionClaimKey()), "the claim is let go at once, for a newer worker to complete the run");
        assertTrue(!local.exists(RUN.successKey()));
    }

    /** The local store, with every group LIST held until all workers list, and _SUCCESS writes counted. */
    private record Racing(BronzeStore store, CyclicBarrier together, AtomicInteger successWrites) implements ForwardingStore {
        @Override
        public List<String> list(String prefix) {
            try {
                together.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException(e);
            }
            return store.list(prefix);
        }

        @Override
        public boolean putIfAbsent(String key, byte[] bytes) {
            if (key.equals(RUN.successKey())) {
                successWrites.incrementAndGet();
            }
            return store.putIfAbsent(key, bytes);
        }
    }
}
