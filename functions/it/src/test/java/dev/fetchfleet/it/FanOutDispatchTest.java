package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.dispatch.ChunkQueue;
import dev.fetchfleet.dispatch.ChunkRange;
import dev.fetchfleet.dispatch.DispatchResult;
import dev.fetchfleet.dispatch.Dispatcher;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestListExpander;
import dev.fetchfleet.job.RequestSpec;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import dev.fetchfleet.plan.ChunkPlanner;
import dev.fetchfleet.plan.FleetLayout;
import dev.fetchfleet.run.DispatchProgress;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.run.Success;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A request list streamed, and fanned out as range messages that workers cut into chunks: the chunks are the
 * ones the whole list in memory gave, a resumed run sends only what has no part, and a dispatcher that dies
 * midway, dispatched again under the same run id, leaves every request in bronze exactly once.
 */
class FanOutDispatchTest {

    private static final int NO_RANGES = 1_000_000;
    /** Caps high enough that the layout keeps the job's chunkSize (with an unknown fleet, chunks are at most the lanes the caps allow). */
    private static final String ROOMY = "\"fetch\": {\"perHost\": {\"maxConcurrency\": 1000, \"requestsPerSecond\": 1000}}";

    /** The chunks as the dispatcher cut them before streaming: the whole list in memory, then ChunkPlanner. */
    private static List<Chunk> chunksOfTheWholeList(Fleet fleet, String jobText, RunRef run) {
        Job job = new JobParser(fleet.mapper).parse(jobText);
        List<RequestSpec> requests = new RequestListExpander(fleet.mapper, dev.fetchfleet.dispatcher.DispatcherHandler.requestsFromFiles(fleet.s3)).expand(job);
        FleetLayout layout = FleetLayout.plan(requests, job.chunkSize(), job.fetch(), 0,
                Duration.ofMillis(job.plan().latencyMillis()), job.plan().pagesPerRequest());
        return ChunkPlanner.plan(run, requests, layout, job.fetch());
    }

    private static RunRef runOf(DispatchResult result) {
        return result.run();
    }

    private static List<Chunk> chunksOnTheQueue(Fleet fleet, List<Message> messages) {
        ChunkMessages codec = new ChunkMessages(fleet.mapper, fleet.store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
        return messages.stream().map(Message::body).map(codec::decode).sorted(Comparator.comparingInt(Chunk::index)).toList();
    }

    private static SQSBatchResponse work(Fleet fleet, List<Message> messages) {
        SQSBatchResponse response = null;
        for (int i = 0; i < messages.size(); i += 10) {
            response = fleet.worker.handleRequest(Fleet.sqsEvent(messages.subList(i, Math.min(messages.size(), i + 10))),
                    new TestContext("fetchfleet-worker", 300_000));
            assertEquals(List.of(), response.getBatchItemFailures(), "every message handled");
        }
        return response;
    }

    /** A requestsFrom object of {@code lines} requests, with blank lines, request objects and URLs of several-byte characters. */
    private static String putRequestsFile(Fleet fleet, String base, int lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            switch (i % 5) {
                case 0 -> text.append(base).append("/items/").append(i).append("?q=caf%C3%A9\n");
                case 1 -> text.append("{\"url\": \"").append(base).append("/items/").append(i).append("?name=café-日本-\uD83D\uDE80\"}\n");
                case 2 -> text.append("\n").append(base).append("/items/").append(i).append("\r\n");
                case 3 -> text.append("{\"id\": \"own-").append(i).append("\", \"method\": \"POST\", \"url\": \"").append(base)
                        .append("/items/").append(i).append("\", \"body\": {\"n\": ").append(i).append("}}\n");
                default -> text.append("   ").append(base).append("/items/").append(i).append("   \n");
            }
        }
        String key = "inputs/requests-" + lines + ".jsonl";
        fleet.s3.putObject(b -> b.bucket(fleet.bucket).key(key), RequestBody.fromString(text.toString(), StandardCharsets.UTF_8));
        return "s3://" + fleet.bucket + "/" + key;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"inline", "template", "requestsFrom"})
    void streamingSendsExactlyTheChunksTheWholeListGaveForASmallJob(String kind) throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        String list = switch (kind) {
            case "inline" -> "\"requests\": [" + String.join(", ", IntStream.range(0, 23)
                    .mapToObj(i -> "{\"url\": \"https://api.example.com/p/" + i + "\", \"headers\": {\"X-N\": \"" + i + "\"}}").toList()) + "]";
            case "template" -> "\"template\": {\"url\": \"https://api.example.com/{user}/posts?page={page}\", \"headers\": {\"X-User\": \"{user}\"},"
                    + " \"values\": {\"user\": [\"ann\", \"bob\", \"cy\"], \"page\": {\"from\": 1, \"to\": 9, \"step\": 2}}}";
            default -> "\"requestsFrom\": \"" + putRequestsFile(fleet, "https://api.example.com", 37) + "\"";
        };
        String job = "{\"source\": \"posts\", \"chunkSize\": 4, " + list + "}";

        DispatchResult result = fleet.dispatcher(fleet.queue(), NO_RANGES).dispatch(job);

        List<Chunk> expected = chunksOfTheWholeList(fleet, job, result.run());
        assertEquals(expected, chunksOnTheQueue(fleet, fleet.receiveAll()));
        assertEquals(expected.size(), result.chunks());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"template", "requestsFrom"})
    void aLongListIsQueuedAsRangesThatWorkersCutIntoTheSameChunks(String kind) throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        // 2,345 requests in chunks of 7: 335 chunks, in ranges of 9: 38 ranges, most starting between two marks of the file.
        String list = kind.equals("template")
                ? "\"template\": {\"url\": \"https://api.example.com/items/{n}\", \"values\": {\"n\": {\"from\": 1, \"to\": 2345}}}"
                : "\"requestsFrom\": \"" + putRequestsFile(fleet, "https://api.example.com", 2345) + "\"";
        String job = "{\"source\": \"posts\", \"chunkSize\": 7, " + ROOMY + ", " + list + "}";

        DispatchResult result = fleet.dispatcher(fleet.queue(), 9).dispatch(job);

        List<Message> ranges = fleet.receiveAll();
        assertEquals(38, ranges.size());
        assertTrue(ranges.stream().allMatch(m -> m.body().contains("\"range\"")), "range messages only, no chunk yet");
        assertEquals(335, result.chunksSent());
        DispatchProgress progress = DispatchProgress.read(fleet.store, fleet.mapper, result.run()).orElseThrow();
        assertEquals(new DispatchProgress(335, 335, 38, true, progress.updatedAt()), progress);

        work(fleet, ranges);

        assertEquals(chunksOfTheWholeList(fleet, job, result.run()), chunksOnTheQueue(fleet, fleet.receiveAll()));
        assertEquals(38, fleet.store.list(ChunkRange.sentPrefix(result.run())).size(), "each range left its marker");
    }

    @Test
    void resumingARunQueuedAsRangesSendsRangesOfOnlyTheChunksWithoutAPart() throws Exception {
        try (SlowApi api = new SlowApi(0)) {
            Fleet fleet = Fleet.onLocalServers();
            String job = """
                    {"source": "items", "runId": "ranges-resumed", "chunkSize": 2, %s,
                     "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": 120}}}}""".formatted(ROOMY, api.base());
            Dispatcher dispatcher = fleet.dispatcher(fleet.queue(), 10);
            RunRef run = dispatcher.dispatch(job).run();
            work(fleet, fleet.receiveAll()); // 6 ranges into 60 chunk messages
            List<Message> chunks = fleet.receiveAll();
            assertEquals(60, chunks.size());
            ChunkMessages codec = new ChunkMessages(fleet.mapper, fleet.store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
            work(fleet, chunks.stream().filter(m -> codec.decode(m.body()).index() < 24).toList());

            DispatchResult again = dispatcher.dispatch(job);

            assertEquals(24, again.chunksAlreadyDone());
            assertEquals(36, again.chunksSent());
            List<Message> ranges = fleet.receiveAll();
            assertEquals(4, ranges.size(), "ranges 2 to 5; ranges 0 and 1 have every part");
            work(fleet, ranges);
            List<Message> resent = fleet.receiveAll();
            assertEquals(IntStream.range(24, 60).boxed().toList(), chunksOnTheQueue(fleet, resent).stream().map(Chunk::index).toList());
            work(fleet, resent);
            assertExactlyOnce(fleet, api, run, 120);
        }
    }

    @Test
    void aDispatcherKilledMidwayThenTheSameRunIdLeavesEveryRequestInBronzeExactlyOnce() throws Exception {
        try (SlowApi api = new SlowApi(0)) {
            Fleet fleet = Fleet.onLocalServers();
            String job = """
                    {"source": "items", "runId": "killed-midway", "chunkSize": 1, %s,
                     "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": 60}}}}""".formatted(ROOMY, api.base());
            // The dispatcher's process ends while it sends its chunk messages: 25 of the 60 got out.
            ChunkQueue dying = bodies -> {
                fleet.queue().sendAll(bodies.subList(0, 25));
                throw new IllegalStateException("killed");
            };
            assertThrows(IllegalStateException.class, () -> fleet.dispatcher(dying, NO_RANGES).dispatch(job));
            List<Message> sentBeforeDeath = fleet.receiveAll();
            assertEquals(25, sentBeforeDeath.size());
            work(fleet, sentBeforeDeath.subList(0, 10)); // 15 more are still on their way to a worker

            DispatchResult again = fleet.dispatcher(fleet.queue(), NO_RANGES).dispatch(job);

            assertEquals(10, again.chunksAlreadyDone());
            assertEquals(50, again.chunksSent());
            work(fleet, sentBeforeDeath.subList(10, 25)); // the first dispatch's messages arrive as well
            work(fleet, fleet.receiveAll());
            assertExactlyOnce(fleet, api, again.run(), 60);
        }
    }

    @Test
    void dateWindowsToNowEndWhereTheyEndedWhenTheRunStartedForTheWorkersAndForAResume() throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        String job = "{\"source\": \"events\", \"runId\": \"windows\", \"chunkSize\": 1, " + ROOMY + ", \"template\": "
                + "{\"url\": \"https://api.example.com/events?from={day.start}&to={day.end}\", "
                + "\"values\": {\"day\": {\"from\": \"2026-01-01\", \"to\": \"now\", \"step\": \"P1D\"}}}}";
        // The run starts on 31 January at noon: 31 windows, the last one cut at noon. Its ranges are cut
        // by workers, and it is resumed, months later (the workers' clock is the machine's).
        java.time.Instant started = java.time.Instant.parse("2026-01-31T12:00:00Z");
        DispatchResult result = fleet.dispatcher(fleet.queue(), 4, java.time.Clock.fixed(started, java.time.ZoneOffset.UTC)).dispatch(job);
        assertEquals(31, result.chunks());

        work(fleet, fleet.receiveAll());

        List<String> urls = chunksOnTheQueue(fleet, fleet.receiveAll()).stream()
                .map(chunk -> chunk.requests().getFirst().url().toString()).toList();
        assertEquals(31, urls.size());
        assertEquals("https://api.example.com/events?from=2026-01-31T00:00:00Z&to=2026-01-31T12:00:00Z", urls.getLast(),
                "the last window ends at the run's start, not at the worker's now");

        java.time.Instant later = java.time.Instant.parse("2026-02-03T08:00:00Z");
        DispatchResult resumed = fleet.dispatcher(fleet.queue(), 4, java.time.Clock.fixed(later, java.time.ZoneOffset.UTC)).dispatch(job);
        assertEquals(31, resumed.chunks(), "the same windows: no window grew, none was added");
    }

    @Test
    void rangesOfARequestsFromObjectRewrittenDuringTheRunFailInsteadOfSendingOtherRequests() throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        String location = putRequestsFile(fleet, "https://api.example.com", 2345);
        String job = "{\"source\": \"posts\", \"chunkSize\": 7, " + ROOMY + ", \"requestsFrom\": \"" + location + "\"}";
        fleet.dispatcher(fleet.queue(), 9).dispatch(job);
        List<Message> ranges = fleet.receiveAll();
        assertEquals(38, ranges.size());

        // Rewritten under the same key with as many lines, other requests: the daily file replaced mid-run.
        putRequestsFile(fleet, "https://other.example.com", 2345);
        SQSBatchResponse response = fleet.worker.handleRequest(Fleet.sqsEvent(ranges.subList(0, 10)),
                new TestContext("fetchfleet-worker", 300_000));

        assertEquals(10, response.getBatchItemFailures().size(), "every range fails, to be retried and then dead-lettered");
        assertEquals(List.of(), fleet.receiveAll(), "no chunk of the new text was sent");
    }

    @Test
    void resumingARunWhoseRequestsFromObjectWasRewrittenIsRefusedNamingTheFile() throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        String location = putRequestsFile(fleet, "https://api.example.com", 40);
        String job = "{\"source\": \"posts\", \"runId\": \"pinned\", \"chunkSize\": 4, \"requestsFrom\": \"" + location + "\"}";
        fleet.dispatcher(fleet.queue(), NO_RANGES).dispatch(job);
        putRequestsFile(fleet, "https://other.example.com", 40);

        var e = assertThrows(dev.fetchfleet.job.JobValidationException.class,
                () -> fleet.dispatcher(fleet.queue(), NO_RANGES).dispatch(job));

        assertTrue(e.getMessage().contains("$.requestsFrom = \"" + location + "\"") && e.getMessage().contains("changed since run pinned"),
                e.getMessage());
    }

    private static void assertExactlyOnce(Fleet fleet, SlowApi api, RunRef run, int requests) {
        BronzeWriter bronze = new BronzeWriter(fleet.store, fleet.mapper);
        List<String> ids = new ArrayList<>();
        for (String part : bronze.partKeys(run)) {
            bronze.readPart(part).stream().map(BronzeRecord::requestId).forEach(ids::add);
        }
        assertEquals(requests, ids.size(), "one line per request");
        assertEquals(requests, new HashSet<>(ids).size(), "no request twice");
        Success success = new RunFiles(fleet.store, fleet.mapper).readSuccess(run).orElseThrow();
        assertEquals(requests, success.requests());
        // SlowApi answers every n ending in 7 with a 429 first: that one is asked twice, by its retry.
        api.calls.forEach((n, calls) -> assertEquals(n.endsWith("7") ? 2 : 1, calls.get(), "calls of item " + n));
        assertEquals(requests, api.calls.size());
    }

    @Test
    void theManifestHoldsCountsAndWhereTheRedactedJobIsNotTheJob() throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        String job = "{\"source\": \"posts\", \"requests\": [{\"url\": \"https://api.example.com/p\", \"headers\": "
                + "{\"Authorization\": \"Bearer literal-token-0123\"}}, " + String.join(", ", IntStream.range(0, 5_000)
                .mapToObj(i -> "\"https://api.example.com/p/" + i + "\"").toList()) + "]}";

        JsonNode answer = fleet.mapper.readTree(fleet.dispatch(job));

        RunRef run = new RunRef("posts", answer.get("ingestDate").asText(), answer.get("runId").asText());
        byte[] manifestBytes = fleet.store.get(run.manifestKey()).orElseThrow();
        assertTrue(manifestBytes.length < 4_096, "a few hundred bytes for 5,000 requests, not the job: " + manifestBytes.length);
        Manifest manifest = new RunFiles(fleet.store, fleet.mapper).manifest(run);
        assertEquals(5_001, manifest.requests());
        assertEquals(null, manifest.job());
        assertEquals(RunFiles.jobKey(run), manifest.jobKey());
        assertEquals(64, manifest.jobSha256().length());
        JsonNode kept = new RunFiles(fleet.store, fleet.mapper).job(manifest).orElseThrow();
        assertEquals(5_001, kept.get("requests").size());
        assertTrue(!kept.toString().contains("literal-token-0123"), "secrets redacted as the manifest's job was");
    }
}
