package dev.fetchfleet.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.CountingStore;
import dev.fetchfleet.bronze.ForwardingStore;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.bronze.S3Requests;
import dev.fetchfleet.job.FailureTolerance;
import dev.fetchfleet.job.Incremental;
import dev.fetchfleet.state.StateStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bronze parts as the worker writes them, and a run's completion over them: _SUCCESS once, and the state. */
@Tag("unit")
class RunCompletionTest {

    private static final RunRef RUN = new RunRef("posts", "2026-03-01", "run-1");
    private static final Instant STARTED = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant FETCHED = Instant.parse("2026-03-01T12:00:01.250Z");

    /** A clock the test moves: {@code _SUCCESS} must keep the end time of the call that wrote it. */
    private static final class SteppingClock extends Clock {
        private volatile Instant now;

        SteppingClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ObjectMapper mapper = Json.newMapper();
    private final SteppingClock clock = new SteppingClock(Instant.parse("2026-03-01T12:05:00Z"));

    @TempDir
    Path root;

    private LocalBronzeStore store;
    private BronzeWriter writer;
    private RunFiles files;
    private RunCompletion completion;

    @BeforeEach
    void setUp() {
        store = new LocalBronzeStore(root);
        writer = new BronzeWriter(store, mapper);
        files = new RunFiles(store, mapper);
        completion = new RunCompletion(store, mapper, clock);
    }

    private BronzeRecord ok(String id, JsonNode body, String encoding) {
        return new BronzeRecord("run-1", "posts", id, "GET", "https://api.example.com/posts/" + id, 200,
                Map.of("content-type", "application/json"), body, encoding, FETCHED, 42, 1, null, 0);
    }

    private BronzeRecord status(String id, int status) {
        return new BronzeRecord("run-1", "posts", id, "GET", "https://api.example.com/posts/" + id, status,
                Map.of(), TextNode.valueOf("x"), "text", FETCHED, 5, 1, null, 0);
    }

    private BronzeRecord noResponse(String id) {
        return new BronzeRecord("run-1", "posts", id, "GET", "https://api.example.com/posts/" + id, null,
                Map.of(), null, null, FETCHED, 3_000, 5, "no response after 5 attempts: ConnectException", 0);
    }

    private List<JsonNode> linesOf(Path part) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(part)))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                lines.add(mapper.readTree(line));
            }
        }
        return lines;
    }

    private void writeManifest(int chunks) {
        files.writeManifest(new Manifest("run-1", "posts", "2026-03-01", STARTED, chunks * 2, chunks, 2,
                mapper.createObjectNode().put("source", "posts")));
    }

    @Test
    void writesAPartAsGzipJsonLinesWithTheBronzeFieldsInOrder() throws IOException {
        List<BronzeRecord> records = List.of(
                ok("1", mapper.readTree("{\"title\": \"hello\", \"tags\": [\"a\"]}"), "json"),
                noResponse("2"));

        writer.writePart(RUN, 3, records);

        Path part = root.resolve("source=posts/ingest_date=2026-03-01/run_id=run-1/part-00003.jsonl.gz");
        assertTrue(Files.isRegularFile(part));
        List<JsonNode> lines = linesOf(part);
        assertEquals(2, lines.size());

        JsonNode first = lines.get(0);
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = first.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        assertEquals(List.of("schema_version", "run_id", "source", "request_id", "method", "url", "status", "response_headers", "body",
                "body_encoding", "fetched_at", "duration_ms", "attempts", "error", "page"), names);
        assertEquals(1, first.get("schema_version").asInt());
        assertEquals("run-1", first.get("run_id").asText());
        assertEquals("1", first.get("request_id").asText());
        assertEquals(200, first.get("status").asInt());
        assertEquals("hello", first.get("body").get("title").asText(), "a JSON body is kept as JSON, not a string");
        assertEquals("json", first.get("body_encoding").asText());
        assertEquals("2026-03-01T12:00:01.250Z", first.get("fetched_at").asText());
        assertEquals(42, first.get("duration_ms").asLong());
        assertTrue(first.get("error").isNull());
        assertEquals(0, first.get("page").asInt());

        JsonNode failed = lines.get(1);
        assertTrue(failed.has("status") && failed.get("status").isNull(), failed::toString);
        assertTrue(failed.get("body").isNull(), failed::toString);
        assertTrue(failed.get("body_encoding").isNull(), failed::toString);
        assertEquals("no response after 5 attempts: ConnectException", failed.get("error").asText());
        assertEquals(5, failed.get("attempts").asInt());
    }

    @Test
    void readsBackThePartItWrote() throws IOException {
        List<BronzeRecord> records = List.of(
                ok("1", mapper.readTree("{\"n\": 1}"), "json"),
                ok("2", TextNode.valueOf("plain ü text\nwith a newline"), "text"),
                ok("3", TextNode.valueOf("iVBORw0KGgo="), "base64"),
                noResponse("4"));
        writer.writePart(RUN, 0, records);

        List<BronzeRecord> read = writer.readPart(RUN.partKey(0));

        assertEquals(records.size(), read.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(records.get(i), read.get(i), "record " + i);
        }
        BronzeRecord failed = read.get(3);
        assertEquals(null, failed.status());
        assertEquals("error", failed.statusKey());
        assertEquals(records.get(3).error(), failed.error());
        assertTrue(failed.body() == null || failed.body().isNull(), () -> "body " + failed.body());
    }

    @Test
    void listsOnlyTheRunsParts() {
        writeManifest(2);
        writer.writePart(RUN, 1, List.of(status("a", 200)));
        writer.writePart(RUN, 0, List.of(status("b", 200)));
        writer.writePart(new RunRef("posts", "2026-03-01", "run-2"), 5, List.of(status("c", 200)));

        assertEquals(List.of(RUN.partKey(0), RUN.partKey(1)), writer.partKeys(RUN));
    }

    @Test
    void writesSuccessOnlyOnceEveryPartExistsWithCountsByStatus() throws IOException {
        writeManifest(3);
        writer.writePart(RUN, 0, List.of(status("a", 200), status("b", 200)));
        writer.writePart(RUN, 2, List.of(status("e", 404), noResponse("f")));

        assertEquals(Optional.empty(), completion.completeIfDone(RUN), "part 1 is missing");
        assertFalse(store.exists(RUN.successKey()));

        writer.writePart(RUN, 1, List.of(status("c", 200), status("d", 503)));
        Success success = completion.completeIfDone(RUN).orElseThrow();

        assertEquals(6, success.requests());
        assertEquals(3, success.chunks());
        assertEquals(Map.of("200", 3L, "404", 1L, "503", 1L, "error", 1L), success.statusCounts());
        assertEquals(STARTED, success.startedAt());
        assertEquals(clock.instant(), success.finishedAt());

        JsonNode onDisk = mapper.readTree(root.resolve("source=posts/ingest_date=2026-03-01/run_id=run-1/_SUCCESS").toFile());
        assertEquals("run-1", onDisk.get("run_id").asText());
        assertEquals(6, onDisk.get("requests").asLong());
        assertEquals(3, onDisk.get("status_counts").get("200").asLong());
        assertEquals(1, onDisk.get("status_counts").get("error").asLong());
        assertEquals("2026-03-01T12:05:00Z", onDisk.get("finished_at").asText());
        assertEquals(Optional.of(success), files.readSuccess(RUN));
    }

    /** A one-chunk incremental run of {@code records}, its manifest tolerating {@code tolerate} failures (null: the default). */
    private Optional<Success> completeIncrementalRun(RunRef run, String tolerate, List<BronzeRecord> records) throws IOException {
        String incremental = "{\"itemsPath\": \"items\", \"valuePath\": \"at\", \"initial\": \"2026-01-01T00:00:00Z\""
                + (tolerate == null ? "" : ", \"tolerateFailures\": " + tolerate) + "}";
        files.writeManifest(new Manifest(run.runId(), run.source(), run.ingestDate(), STARTED, records.size(), 1, records.size(),
                mapper.readTree("{\"source\": \"posts\", \"incremental\": " + incremental + "}")));
        writer.writePart(run, 0, records);
        return completion.completeIfDone(run);
    }

    private BronzeRecord items(String id, String... times) throws IOException {
        StringBuilder items = new StringBuilder();
        for (String time : times) {
            items.append(items.isEmpty() ? "" : ",").append("{\"at\": \"").append(time).append("\"}");
        }
        return ok(id, mapper.readTree("{\"items\": [" + items + "]}"), "json");
    }

    @Test
    void aRunWithAFailedRequestHoldsItsSourcesStateSaysWhyAndTheNextCleanRunMovesIt() throws IOException {
        StateStore state = new StateStore(store, mapper);
        Success held = completeIncrementalRun(RUN, null, List.of(items("a", "2026-02-01T00:00:00Z"), noResponse("b"),
                status("c", 503), items("d", "2026-03-01T00:00:00Z").withError("maxPages (1) reached; next page not fetched"))).orElseThrow();

        assertEquals(3, held.failedRequests());
        assertFalse(held.state().advanced());
        assertTrue(held.state().reason().startsWith("held: 3 of 4 requests failed (1 records without an answer, "
                + "1 with a 5xx or 429 after their retries, 1 ending a chain early)"), held.state().reason());
        assertTrue(held.state().reason().contains("incremental.tolerateFailures (0)"), held.state().reason());
        JsonNode onDisk = mapper.readTree(store.get(RUN.successKey()).orElseThrow());
        assertEquals(3, onDisk.get("failed_requests").asLong());
        assertFalse(onDisk.get("state").get("advanced").asBoolean());
        assertEquals(Optional.empty(), state.read("posts"), "the state did not move, not even last_success_started_at");

        RunRef clean = new RunRef("posts", "2026-03-02", "run-2");
        Success moved = completeIncrementalRun(clean, null, List.of(items("a", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00.5Z"),
                items("b", "2026-03-01T01:00:00+01:00"))).orElseThrow();

        assertTrue(moved.state().advanced(), moved.state().reason());
        assertEquals(0, moved.failedRequests());
        assertEquals("2026-03-01T00:00:00.5Z", state.read("posts").orElseThrow().values().get("since"),
                "half a second past midnight is after midnight written with another offset");
        assertEquals("run-2", state.read("posts").orElseThrow().lastSuccessRunId());
    }

    @Test
    void completionMovesTheStateByTheManifestsTypedIncrementalNotByItsJob() throws IOException {
        // As a manifest that no longer embeds the job: only the typed field says what to keep.
        files.writeManifest(new Manifest(RUN.runId(), RUN.source(), RUN.ingestDate(), STARTED, 2, 1, 2,
                mapper.createObjectNode().put("source", "posts"))
                .withIncremental(new Incremental("cursor", "items", "at", "2026-01-01T00:00:00Z", false, new FailureTolerance(1L, null))));
        writer.writePart(RUN, 0, List.of(items("a", "2026-02-01T00:00:00Z"), noResponse("b")));

        Success success = completion.completeIfDone(RUN).orElseThrow();

        assertTrue(success.state().advanced(), success.state().reason());
        assertEquals("2026-02-01T00:00:00Z", new StateStore(store, mapper).read("posts").orElseThrow().values().get("cursor"));
    }

    @Test
    void aStateWriteThatFailsAfterSuccessIsMadeByTheNextCompletionOfTheRun() throws IOException {
        files.writeManifest(new Manifest(RUN.runId(), RUN.source(), RUN.ingestDate(), STARTED, 2, 1, 2,
                mapper.createObjectNode().put("source", "posts"))
                .withIncremental(new Incremental("cursor", "items", "at", "2026-01-01T00:00:00Z", false, FailureTolerance.NONE)));
        writer.writePart(RUN, 0, List.of(items("a", "2026-02-01T00:00:00Z"), items("b", "2026-02-02T00:00:00Z")));
        // The completer's state write fails once (an S3 error past the client's retries), after its _SUCCESS.
        dev.fetchfleet.bronze.BronzeStore stateFailsOnce = new StateWriteFailsOnce(store);

        assertThrows(IllegalStateException.class, () -> new RunCompletion(stateFailsOnce, mapper, clock).completeIfDone(RUN));
        assertTrue(files.readSuccess(RUN).orElseThrow().state().advanced(), "_SUCCESS says the state moved");

        // The chunk is redelivered (its delivery failed with the completion's error) and completes the run again.
        assertEquals(Optional.empty(), new RunCompletion(stateFailsOnce, mapper, clock).completeIfDone(RUN), "_SUCCESS is not written twice");

        // Before, nobody moved it: the next run asked again from 2026-01-01 while _SUCCESS said the state had moved.
        assertEquals("2026-02-02T00:00:00Z", new StateStore(store, mapper).read("posts").orElseThrow().values().get("cursor"));
        assertEquals("run-1", new StateStore(store, mapper).read("posts").orElseThrow().lastSuccessRunId());
    }

    @Test
    void aCompleterKilledAfterSuccessBeforeTheStateMovedLeavesItToTheNextCompletionPastTheClaimsLease() throws IOException {
        files.writeManifest(new Manifest(RUN.runId(), RUN.source(), RUN.ingestDate(), STARTED, 2, 1, 2,
                mapper.createObjectNode().put("source", "posts"))
                .withIncremental(new Incremental("cursor", "items", "at", "2026-01-01T00:00:00Z", false, FailureTolerance.NONE)));
        writer.writePart(RUN, 0, List.of(items("a", "2026-02-01T00:00:00Z"), items("b", "2026-02-02T00:00:00Z")));
        // Killed at its state write: no error path runs, so its claim stays as a kill -9 leaves it.
        dev.fetchfleet.bronze.BronzeStore killedAtStateWrite = new StateWriteFailsOnce(store, new java.util.concurrent.atomic.AtomicBoolean(),
                () -> new Killed());

        assertThrows(Killed.class, () -> new RunCompletion(killedAtStateWrite, mapper, clock).completeIfDone(RUN));
        assertTrue(files.readSuccess(RUN).orElseThrow().state().advanced(), "_SUCCESS says the state moved");
        assertTrue(store.exists(RUN.completionClaimKey()), "the killed completer's claim stays");

        assertEquals(Optional.empty(), new RunCompletion(store, mapper, clock).completeIfDone(RUN), "within the lease the claimant may be at work");
        assertEquals(Optional.empty(), new StateStore(store, mapper).read("posts"));

        // Before, a completed run's claim was never taken over: the next run asked again from 2026-01-01.
        Clock later = Clock.offset(clock, RunCompletion.CLAIM_LEASE.plusSeconds(1));
        assertEquals(Optional.empty(), new RunCompletion(store, mapper, later).completeIfDone(RUN), "_SUCCESS is not written twice");
        assertEquals("2026-02-02T00:00:00Z", new StateStore(store, mapper).read("posts").orElseThrow().values().get("cursor"));
        assertEquals("run-1", new StateStore(store, mapper).read("posts").orElseThrow().lastSuccessRunId());

        // Done, state and all, the claim says so: a redelivery after that reads no summary and moves nothing.
        CountingStore counted = new CountingStore(store);
        Clock muchLater = Clock.offset(clock, RunCompletion.CLAIM_LEASE.multipliedBy(10));
        assertEquals(Optional.empty(), new RunCompletion(counted, mapper, muchLater).completeIfDone(RUN));
        assertEquals(0, counted.counted().total(S3Requests.Kind.HEAD) + counted.counted().count(S3Requests.Kind.GET, "parts"),
                "no summary read again: " + counted.counted());
        assertEquals(1, counted.counted().total(S3Requests.Kind.PUT), "only the claim's refused conditional PUT: " + counted.counted());
        assertTrue(mapper.readTree(store.get(RUN.completionClaimKey()).orElseThrow()).hasNonNull("completed_at"), "the claim says done");
    }

    /** What a kill -9 does to the completer, as far as the code after it can tell: nothing runs on. */
    private static final class Killed extends Error {
    }

    /** The local store, whose first compare-and-set of a source's state fails as S3 does in an outage (or as {@code failure} says). */
    private record StateWriteFailsOnce(LocalBronzeStore store, java.util.concurrent.atomic.AtomicBoolean failed,
                                       java.util.function.Supplier<? extends Throwable> failure) implements ForwardingStore {
        StateWriteFailsOnce(LocalBronzeStore store) {
            this(store, new java.util.concurrent.atomic.AtomicBoolean(), () -> new IllegalStateException("503 Slow Down"));
        }

        @Override
        public boolean putIfVersion(String key, byte[] bytes, String version) {
            if (key.startsWith("_state/") && failed.compareAndSet(false, true)) {
                Throwable thrown = failure.get();
                if (thrown instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) thrown;
            }
            return store.putIfVersion(key, bytes, version);
        }
    }

    @Test
    void aManifestWrittenBeforeTheTypedFieldTakesItsIncrementalFromItsJob() throws IOException {
        String written = "{\"run_id\": \"run-1\", \"source\": \"posts\", \"ingest_date\": \"2026-03-01\", "
                + "\"started_at\": \"2026-03-01T12:00:00Z\", \"requests\": 1, \"chunks\": 1, \"chunk_size\": 1, "
                + "\"job\": {\"source\": \"posts\", \"incremental\": {\"name\": \"cursor\", \"itemsPath\": \"items\", "
                + "\"valuePath\": \"at\", \"initial\": \"x\", \"tolerateFailures\": \"5%\"}}}";
        store.put(RUN.manifestKey(), written.getBytes(StandardCharsets.UTF_8));

        assertEquals(new Incremental("cursor", "items", "at", "x", false, new FailureTolerance(null, new java.math.BigDecimal("5"))),
                files.manifest(RUN).incremental());
    }

    @Test
    void aRunWithinItsToleratedFailuresMovesTheStateAndCountsThem() throws IOException {
        List<BronzeRecord> oneOfFour = List.of(items("a", "2026-02-01T00:00:00Z"), items("b"), items("c"), noResponse("d"));

        Success byPercent = completeIncrementalRun(RUN, "\"25%\"", oneOfFour).orElseThrow();
        assertTrue(byPercent.state().advanced(), byPercent.state().reason());
        assertEquals(1, byPercent.failedRequests());
        assertTrue(byPercent.state().reason().contains("within incremental.tolerateFailures (25%)"), byPercent.state().reason());
        assertEquals("2026-02-01T00:00:00Z", new StateStore(store, mapper).read("posts").orElseThrow().values().get("since"));

        Success overCount = completeIncrementalRun(new RunRef("posts", "2026-03-02", "run-2"), "0",
                List.of(items("a", "2026-04-01T00:00:00Z"), noResponse("d"))).orElseThrow();
        assertFalse(overCount.state().advanced(), overCount.state().reason());
        assertEquals("2026-02-01T00:00:00Z", new StateStore(store, mapper).read("posts").orElseThrow().values().get("since"));

        Success underPercent = completeIncrementalRun(new RunRef("posts", "2026-03-03", "run-3"), "\"24.9%\"", oneOfFour).orElseThrow();
        assertFalse(underPercent.state().advanced(), "1 of 4 is 25%, over 24.9%: " + underPercent.state().reason());
    }

    @Test
    void aSecondCompletionDoesNotRewriteSuccess() {
        writeManifest(1);
        writer.writePart(RUN, 0, List.of(status("a", 200)));
        Success first = completion.completeIfDone(RUN).orElseThrow();
        byte[] written = store.get(RUN.successKey()).orElseThrow();

        clock.advance(Duration.ofMinutes(5));
        writer.writePart(RUN, 0, List.of(status("a", 500)));

        assertEquals(Optional.empty(), completion.completeIfDone(RUN));
        assertArrayEquals(written, store.get(RUN.successKey()).orElseThrow());
        assertEquals(Optional.of(first), files.readSuccess(RUN));
    }

    @Test
    void aRedeliveredChunkReplacesItsPartInsteadOfAddingOne() {
        writeManifest(2);
        writer.writePart(RUN, 0, List.of(status("a", 500)));
        writer.writePart(RUN, 0, List.of(status("a", 200)));
        assertEquals(Optional.empty(), completion.completeIfDone(RUN), "a part written twice is still one part of two");

        writer.writePart(RUN, 1, List.of(status("b", 200)));
        Success success = completion.completeIfDone(RUN).orElseThrow();
        assertEquals(2, success.requests());
        assertEquals(Map.of("200", 2L), success.statusCounts());
    }

    @Test
    void completesAManyChunkRunWhenTheLastPartArrivesInAnyOrder() {
        writeManifest(12);
        List<Integer> order = new ArrayList<>(IntStream.range(0, 12).boxed().toList());
        java.util.Collections.shuffle(order, new java.util.Random(7));
        int completions = 0;
        for (int chunk : order) {
            writer.writePart(RUN, chunk, List.of(status("r" + chunk, 200)));
            if (completion.completeIfDone(RUN).isPresent()) {
                completions++;
                assertEquals(order.getLast(), chunk, "completed before the last part");
            }
        }
        assertEquals(1, completions);
    }

    @Test
    void readsBackTheManifest() {
        writeManifest(4);
        Manifest manifest = files.readManifest(RUN).orElseThrow();
        assertEquals(RUN, manifest.run());
        assertEquals(4, manifest.chunks());
        assertEquals(STARTED, manifest.startedAt());
        assertTrue(store.exists("source=posts/ingest_date=2026-03-01/run_id=run-1/_manifest.json"));
    }

    @Test
    void refusesToCompleteARunWithoutAManifest() {
        writer.writePart(RUN, 0, List.of(status("a", 200)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> completion.completeIfDone(RUN));
        assertTrue(e.getMessage().contains("_manifest.json"), e.getMessage());
        assertFalse(store.exists(RUN.successKey()));
    }

    @Test
    void saysWhichPartIsMissing() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.readPart(RUN.partKey(9)));
        assertTrue(e.getMessage().contains("part-00009.jsonl.gz"), e.getMessage());
    }
}
