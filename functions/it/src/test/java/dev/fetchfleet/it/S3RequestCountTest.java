package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.aws.S3BronzeStore;
import dev.fetchfleet.aws.SqsBatchSender;
import dev.fetchfleet.bronze.CountingStore;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.bronze.S3Requests;
import dev.fetchfleet.dispatch.Dispatcher;
import dev.fetchfleet.dispatcher.DispatcherHandler;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.run.PartSummary;
import dev.fetchfleet.run.PartTally;
import dev.fetchfleet.run.RunCompletion;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.run.Success;
import dev.fetchfleet.work.ChunkWorker;
import dev.fetchfleet.worker.WorkerHandler;
import dev.fetchfleet.worker.WorkerMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A run's S3 requests as its {@code _SUCCESS} reports them, against what was really asked of S3Mock and of
 * moto (counted by a wrapper around the store every handler uses); and the completion claim, raced on each.
 */
class S3RequestCountTest {

    private final ObjectMapper mapper = Json.newMapper();

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {Fleet.ELASTICMQ_S3MOCK, Fleet.MOTO})
    void aFlatRunsSuccessCountsItsS3RequestsAndNoPartIsReadBack(String stores) throws Exception {
        countRun(stores, Integer.getInteger("fetchfleet.s3count.requests", 200), Integer.getInteger("fetchfleet.s3count.chunkSize", 20), 1);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {Fleet.ELASTICMQ_S3MOCK, Fleet.MOTO})
    void aPaginatedRunsSuccessCountsItsS3RequestsAndNoPartIsReadBack(String stores) throws Exception {
        countRun(stores, Integer.getInteger("fetchfleet.s3count.chains", 20), Integer.getInteger("fetchfleet.s3count.chainsPerChunk", 5),
                Integer.getInteger("fetchfleet.s3count.pages", 5));
    }

    /** {@code requests} requests ({@code pages} pages each) in chunks of {@code chunkSize}, dispatched and worked on {@code stores}. */
    private void countRun(String stores, int requests, int chunkSize, int pages) throws Exception {
        Fleet fleet = Fleet.on(stores);
        CountingStore counted = new CountingStore(new S3BronzeStore(fleet.s3, fleet.bucket, "bronze"));
        Clock clock = Clock.systemUTC();
        DispatcherHandler dispatcher = new DispatcherHandler(Dispatcher.create(mapper, counted,
                new SqsBatchSender(fleet.sqs, fleet.queueUrl), DispatcherHandler.requestsFromFiles(fleet.s3), clock, 0));
        WorkerHandler worker = new WorkerHandler(ChunkWorker.create(mapper, counted, Fetcher.newHttpClient(Duration.ofSeconds(5)), clock),
                WorkerMetrics.none(), clock);
        try (SlowApi api = new SlowApi(Long.getLong("fetchfleet.s3count.latencyMs", 5))) {
            String job = pages == 1 ? """
                    {"source": "items", "chunkSize": %d,
                     "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": %d}}},
                     "fetch": {"perHost": {"maxConcurrency": 50, "requestsPerSecond": 100000}}}
                    """.formatted(chunkSize, api.base(), requests) : """
                    {"source": "feed", "chunkSize": %d,
                     "template": {"url": "%s/feed/{c}?pages=%d", "values": {"c": {"from": 1, "to": %d}}},
                     "paginate": {"type": "cursor", "path": "next", "param": "cursor", "maxPages": %d},
                     "fetch": {"perHost": {"maxConcurrency": 500, "requestsPerSecond": 100000}}}
                    """.formatted(chunkSize, api.base(), pages, requests, pages);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            dispatcher.handleRequest(new ByteArrayInputStream(job.getBytes(StandardCharsets.UTF_8)), out,
                    new TestContext("fetchfleet-dispatcher", 300_000));
            JsonNode answer = mapper.readTree(out.toByteArray());
            RunRef run = new RunRef(answer.get("source").asText(), answer.get("ingestDate").asText(), answer.get("runId").asText());
            List<Message> messages = fleet.receiveAll();
            int chunks = (requests + chunkSize - 1) / chunkSize;
            assertEquals(chunks, messages.size());
            // Ten at a time, as Lambda's batch size delivers them.
            for (int from = 0; from < messages.size(); from += 10) {
                SQSBatchResponse response = worker.handleRequest(Fleet.sqsEvent(messages.subList(from, Math.min(messages.size(), from + 10))),
                        new TestContext("fetchfleet-worker", 300_000));
                assertEquals(List.of(), response.getBatchItemFailures());
            }

            Success success = new RunFiles(fleet.store, mapper).readSuccess(run).orElseThrow();
            S3Requests reported = success.s3Requests();
            S3Requests asked = counted.counted();
            System.out.printf("S3 requests on %s for %,d requests of %d pages in %d chunks: reported %s; asked %s%n",
                    stores, requests, pages, chunks, reported, asked);
            assertEquals(requests, success.requests());
            assertEquals((long) requests * pages, success.records());
            assertEquals(0, reported.count(S3Requests.Kind.GET, "parts"), "no part read back: " + reported);
            assertEquals(0, asked.count(S3Requests.Kind.GET, "parts"), "no part read back: " + asked);
            for (String target : List.of("parts", "part_summaries", "manifest", "checkpoints")) {
                assertEquals(asked.count(S3Requests.Kind.PUT, target), reported.count(S3Requests.Kind.PUT, target), "PUT " + target);
            }
            assertEquals(chunks, reported.count(S3Requests.Kind.PUT, "parts"));
            // Each part carries its summary: none written apart, and the completer reads each with a HEAD.
            assertEquals(0, asked.count(S3Requests.Kind.PUT, "part_summaries"), "no summary object: " + asked);
            assertEquals(0, asked.count(S3Requests.Kind.GET, "part_summaries"), "no summary object read: " + asked);
            assertEquals(2L * chunks, asked.count(S3Requests.Kind.HEAD, "parts"), "a chunk's HEAD at its start, the completer's: " + asked);
            assertEquals(asked.count(S3Requests.Kind.HEAD, "parts"), reported.count(S3Requests.Kind.HEAD, "parts"));
            // A chunk lists its checkpoint once, when it starts, and removes it by key; and lists its group of parts once.
            assertEquals(chunks, asked.count(S3Requests.Kind.LIST, "checkpoints"), "one LIST of its checkpoint per chunk: " + asked);
            assertEquals(asked.count(S3Requests.Kind.LIST, "checkpoints"), reported.count(S3Requests.Kind.LIST, "checkpoints"));
            assertEquals(chunks, asked.count(S3Requests.Kind.LIST, "parts"), asked.toString());
            assertEquals(asked.count(S3Requests.Kind.LIST, "parts"), reported.count(S3Requests.Kind.LIST, "parts"));
            assertEquals(asked.count(S3Requests.Kind.DELETE, "checkpoints"), reported.count(S3Requests.Kind.DELETE, "checkpoints"));
            assertEquals(List.of(), fleet.store.list("_checkpoints/"), "every checkpoint removed");
        }
    }

    /**
     * A part carries its summary as user metadata up to S3's 2 KB, escaped to ASCII, and reads back the same from a
     * HEAD; one that would pass the limit is not offered to the store (it would refuse it).
     */
    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {Fleet.ELASTICMQ_S3MOCK, Fleet.MOTO})
    void aPartCarriesItsSummaryInItsMetadataUpToTheLimit(String stores) throws Exception {
        Fleet fleet = Fleet.on(stores);
        S3BronzeStore store = new S3BronzeStore(fleet.s3, fleet.bucket, "bronze");
        RunCompletion completion = new RunCompletion(store, mapper, Clock.systemUTC());
        RunRef run = new RunRef("meta", "2026-11-30", "run-1");
        PartTally.Counting counting = new PartTally.Counting(null, null);
        counting.add(new BronzeRecord(run.runId(), "meta", "r", "GET", "https://api.example.com/r", 200, Map.of(),
                null, null, java.time.Instant.parse("2026-11-30T00:00:01Z"), 5, 1, null, 0));
        PartTally tally = counting.tally();
        // The largest summary that fits: its state value grown until one more character would not.
        Map<String, String> metadata = Map.of();
        PartSummary summary = null;
        for (int n = 2_000; metadata.isEmpty(); n--) {
            PartTally grown = new PartTally(1, tally.statusCounts(), 1, 1, 0, 1, 0, 0, 0, 0, 5, "é\"" + "x".repeat(n));
            summary = new PartSummary(0, grown, new S3Requests(Map.of("PUT", Map.of("parts", 1L))));
            metadata = completion.asMetadata(summary);
        }
        assertTrue(("x-amz-meta-" + RunCompletion.SUMMARY_METADATA).length() + metadata.get(RunCompletion.SUMMARY_METADATA).length() > 2_000);
        byte[] part = new byte[] {1, 2, 3};
        assertTrue(store.putIfAbsent(run.partKey(0), new dev.fetchfleet.bronze.Upload(part.length, () -> new ByteArrayInputStream(part)), metadata));

        assertEquals(summary, completion.carried(run.partKey(0), store.head(run.partKey(0)).orElseThrow()).orElseThrow());
        assertEquals(Optional.empty(), store.head(run.partKey(1)));
    }

    /**
     * Sixteen workers finding the run whole at once: one writes {@code _SUCCESS}. On S3Mock the conditional
     * PUT alone lets every racer win (its If-None-Match check is not atomic); the claim's read-back holds.
     */
    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {Fleet.ELASTICMQ_S3MOCK, Fleet.MOTO})
    void ofManyWorkersFinishingTogetherExactlyOneCompletes(String stores) throws Exception {
        Fleet fleet = Fleet.on(stores);
        int workers = 16;
        for (int round = 0; round < 3; round++) {
            RunRef run = new RunRef("race", "2026-11-30", "run-" + round);
            new RunFiles(fleet.store, mapper).writeManifest(new Manifest(run.runId(), run.source(), run.ingestDate(),
                    java.time.Instant.parse("2026-11-30T00:00:00Z"), workers, workers, 1, mapper.createObjectNode().put("source", "race")));
            RunCompletion completion = new RunCompletion(fleet.store, mapper, Clock.systemUTC());
            for (int c = 0; c < workers; c++) {
                PartTally.Counting counting = new PartTally.Counting(null, null);
                counting.add(new BronzeRecord(run.runId(), "race", "r" + c, "GET", "https://api.example.com/" + c, 200, Map.of(),
                        null, null, java.time.Instant.parse("2026-11-30T00:00:01Z"), 5, 1, null, 0));
                completion.writeSummary(run, new PartSummary(c, counting.tally(), S3Requests.NONE));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<Success>>> results = new ArrayList<>();
            try (ExecutorService threads = Executors.newFixedThreadPool(workers)) {
                for (int c = 0; c < workers; c++) {
                    int chunk = c;
                    results.add(threads.submit(() -> {
                        go.await();
                        return new RunCompletion(fleet.store, mapper, Clock.systemUTC()).partDone(run, chunk, workers);
                    }));
                }
                go.countDown();
            }
            int completed = 0;
            for (Future<Optional<Success>> result : results) {
                completed += result.get().isPresent() ? 1 : 0;
            }
            assertEquals(1, completed, "round " + round + " on " + stores);
            assertEquals(workers, new RunFiles(fleet.store, mapper).readSuccess(run).orElseThrow().requests());
        }
    }
}
