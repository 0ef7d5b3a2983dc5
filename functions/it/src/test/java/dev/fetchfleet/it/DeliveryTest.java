package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.aws.ContinuationQueue;
import dev.fetchfleet.aws.DeadLetterQueue;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.bronze.Success;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.work.ChunkWorker;
import dev.fetchfleet.worker.WorkerHandler;
import dev.fetchfleet.worker.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * At-least-once delivery, exactly-once bronze: redeliveries, duplicates, deadlines and repeated
 * dispatches, on ElasticMQ with S3Mock and again on moto's server (where installed): a difference
 * between the stores shows up as one failing.
 */
class DeliveryTest {

    private static String job(SlowApi api, int count, int chunkSize, String extra) {
        return """
                {"source": "items", "chunkSize": %d %s,
                 "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": %d}}},
                 "fetch": {"timeoutSeconds": 1, "perHost": {"maxConcurrency": 5, "requestsPerSecond": 1000},
                           "retry": {"maxAttempts": 3, "baseDelayMillis": 10, "maxDelayMillis": 100}}}
                """.formatted(chunkSize, extra, api.base(), count);
    }

    private static RunRef runOf(Fleet fleet, String answer) throws Exception {
        JsonNode node = fleet.mapper.readTree(answer);
        return new RunRef(node.get("source").asText(), node.get("ingestDate").asText(), node.get("runId").asText());
    }

    private static int calls(SlowApi api) {
        return api.calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private static SQSBatchResponse work(Fleet fleet, List<Message> messages, int remainingMillis) {
        return fleet.worker.handleRequest(Fleet.sqsEvent(messages), new TestContext("fetchfleet-worker", remainingMillis));
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {Fleet.ELASTICMQ_S3MOCK, Fleet.MOTO})
    void theStoreKeepsTheFirstObjectOfAConditionalWrite(String stores) {
        Fleet fleet = Fleet.on(stores);
        byte[] first = "first".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertTrue(fleet.store.putIfAbsent("probe/part", first));
        assertFalse(fleet.store.putIfAbsent("probe/part", "second".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        assertEquals("first", new String(fleet.store.get("probe/part").orElseThrow(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {Fleet.ELASTICMQ_S3MOCK, Fleet.MOTO})
    void theStoreRefusesAWriteAtAStaleVersion(String stores) {
        Fleet fleet = Fleet.on(stores);
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        assertTrue(fleet.store.putIfVersion("probe/state.json", "one".getBytes(utf8), null));
        String version = fleet.store.getVersioned("probe/state.json").orElseThrow().version();
        assertTrue(fleet.store.putIfVersion("probe/state.json", "two".getBytes(utf8), version));

        assertFalse(fleet.store.putIfVersion("probe/state.json", "three".getBytes(utf8), version), "If-Match on a stale ETag");

        assertEquals("two", new String(fleet.store.get("probe/state.json").orElseThrow(), utf8));
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {Fleet.ELASTICMQ_S3MOCK, Fleet.MOTO})
    void theStoreDeletesMoreKeysThanOneDeleteObjectsCallTakes(String stores) {
        Fleet fleet = Fleet.on(stores);
        List<String> keys = IntStream.range(0, 1001).mapToObj(i -> String.format("probe/seg-%04d", i)).toList();
        keys.parallelStream().forEach(k -> fleet.store.put(k, new byte[] {1}));
        fleet.store.put("probe-kept", new byte[] {1});

        fleet.store.deleteAll(keys);

        assertEquals(List.of(), fleet.store.list("probe/"));
        assertTrue(fleet.store.exists("probe-kept"));
    }

    /**
     * The items the checkpoint holds after a cut, with how often the API was called for each: those
     * must not be called again. (An item handed back between retries was called but not kept.)
     */
    private static Map<String, Integer> keptAtCut(Fleet fleet, RunRef run, SlowApi api) {
        BronzeWriter bronze = new BronzeWriter(fleet.store, fleet.mapper, Clock.systemUTC());
        Map<String, Integer> kept = new HashMap<>();
        for (String segment : fleet.store.list(run.checkpointPrefix(0))) {
            for (JsonNode entry : bronze.readLines(segment, JsonNode.class)) {
                String item = entry.get("record").get("url").asText().replaceAll(".*/", "");
                kept.put(item, api.calls.get(item).get());
            }
        }
        return kept;
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {Fleet.ELASTICMQ_S3MOCK, Fleet.MOTO})
    void aChunkCutAfterProgressGoesOnInANewMessageAndOneWithoutProgressIsHandedBack(String stores) throws Exception {
        try (SlowApi api = new SlowApi(400)) {
            Fleet fleet = Fleet.on(stores);
            // The deadline comes once five requests (one host's cap) have started, not after a real half-second.
            Clock clock = new StartsThenDeadlineClock(() -> calls(api), 5);
            WorkerHandler worker = new WorkerHandler(ChunkWorker.create(fleet.mapper, fleet.store,
                    Fetcher.newHttpClient(Duration.ofSeconds(5)), clock), WorkerMetrics.none(), clock,
                    DeadLetterQueue.none(), new ContinuationQueue(fleet.sqs, fleet.queueUrl));
            RunRef run = runOf(fleet, fleet.dispatch(job(api, 20, 20, "")));
            List<Message> first = fleet.receiveAll();

            // 10.5 s left, a 1 s timeout and 10 s to write: nothing may start, so nothing moved.
            SQSBatchResponse stuck = worker.handleRequest(Fleet.sqsEvent(first), new TestContext("fetchfleet-worker", 10_500));
            assertEquals(1, stuck.getBatchItemFailures().size(), "no progress: handed back, counted towards the DLQ");
            assertEquals(List.of(), fleet.receiveAll(), "and not sent again");

            // 11.5 s left: 0.5 s of starts on the worker's clock, which the first five starts use up.
            SQSBatchResponse cut = worker.handleRequest(Fleet.sqsEvent(first), new TestContext("fetchfleet-worker", 11_500));
            assertEquals(List.of(), cut.getBatchItemFailures(), "progress: this message is done with");
            List<Message> continued = fleet.receiveAll();
            assertEquals(1, continued.size());
            assertEquals(first.getFirst().body(), continued.getFirst().body());
            Map<String, Integer> keptAtCut = keptAtCut(fleet, run, api);
            assertTrue(keptAtCut.size() >= 4 && keptAtCut.size() <= 5, "the five started before the deadline (less one 429 handed back between retries): " + keptAtCut.keySet());

            SQSBatchResponse finished = worker.handleRequest(Fleet.sqsEvent(continued), new TestContext("fetchfleet-worker", 300_000));

            assertEquals(List.of(), finished.getBatchItemFailures());
            keptAtCut.forEach((id, count) -> assertEquals(count, api.calls.get(id).get(), "item " + id + " fetched again"));
            assertEquals(20, api.calls.size());
            assertEquals(20, new BronzeWriter(fleet.store, fleet.mapper, clock).readSuccess(run).orElseThrow().requests());
            assertEquals(List.of(), fleet.store.list(run.checkpointsPrefix()));
            assertEquals(List.of(), fleet.receiveAll());
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {Fleet.ELASTICMQ_S3MOCK, Fleet.MOTO})
    void aRedeliveredChunkWhosePartExistsIsNotFetchedAgain(String stores) throws Exception {
        try (SlowApi api = new SlowApi(10)) {
            Fleet fleet = Fleet.on(stores);
            RunRef run = runOf(fleet, fleet.dispatch(job(api, 10, 10, "")));
            List<Message> messages = fleet.receiveAll();
            work(fleet, messages, 300_000);
            int afterFirst = calls(api);

            SQSBatchResponse again = work(fleet, messages, 300_000);

            assertEquals(List.of(), again.getBatchItemFailures());
            assertEquals(afterFirst, calls(api), "nothing fetched twice");
            assertEquals(10, new BronzeWriter(fleet.store, fleet.mapper, Clock.systemUTC()).readPart(run.partKey(0)).size());
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {Fleet.ELASTICMQ_S3MOCK, Fleet.MOTO})
    void twoConcurrentDeliveriesOfOneChunkLeaveOnePartAndOneSuccess(String stores) throws Exception {
        try (SlowApi api = new SlowApi(50)) {
            Fleet fleet = Fleet.on(stores);
            RunRef run = runOf(fleet, fleet.dispatch(job(api, 20, 20, "")));
            List<Message> messages = fleet.receiveAll();

            CompletableFuture<SQSBatchResponse> a = CompletableFuture.supplyAsync(() -> work(fleet, messages, 300_000));
            CompletableFuture<SQSBatchResponse> b = CompletableFuture.supplyAsync(() -> work(fleet, messages, 300_000));

            assertEquals(List.of(), a.get().getBatchItemFailures());
            assertEquals(List.of(), b.get().getBatchItemFailures());
            BronzeWriter bronze = new BronzeWriter(fleet.store, fleet.mapper, Clock.systemUTC());
            assertEquals(List.of(run.partKey(0)), bronze.partKeys(run));
            Set<String> ids = new HashSet<>();
            for (BronzeRecord record : bronze.readPart(run.partKey(0))) {
                assertTrue(ids.add(record.requestId()), "one line per request");
            }
            assertEquals(20, ids.size());
            Success success = bronze.readSuccess(run).orElseThrow();
            assertEquals(20, success.requests());
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {Fleet.ELASTICMQ_S3MOCK, Fleet.MOTO})
    void aWorkerCutShortKeepsACheckpointAndItsRedeliveryFetchesOnlyTheRest(String stores) throws Exception {
        try (SlowApi api = new SlowApi(400)) {
            Fleet fleet = Fleet.on(stores);
            RunRef run = runOf(fleet, fleet.dispatch(job(api, 20, 20, "")));
            List<Message> messages = fleet.receiveAll();

            // 11.5 s left, a 1 s request timeout and 10 s to write: requests may start for 0.5 s only, on a
            // worker clock that the first five starts (one host's cap) use up, whatever the machine's speed.
            Clock clock = new StartsThenDeadlineClock(() -> calls(api), 5);
            WorkerHandler worker = new WorkerHandler(ChunkWorker.create(fleet.mapper, fleet.store,
                    Fetcher.newHttpClient(Duration.ofSeconds(5)), clock), WorkerMetrics.none(), clock);
            SQSBatchResponse cut = worker.handleRequest(Fleet.sqsEvent(messages), new TestContext("fetchfleet-worker", 11_500));

            assertEquals(1, cut.getBatchItemFailures().size());
            BronzeWriter bronze = new BronzeWriter(fleet.store, fleet.mapper, Clock.systemUTC());
            assertFalse(fleet.store.exists(run.partKey(0)));
            Map<String, Integer> keptAtCut = keptAtCut(fleet, run, api);
            assertTrue(keptAtCut.size() >= 4 && keptAtCut.size() <= 5, "checkpoint holds the five started before the deadline (less one 429 handed back): " + keptAtCut.keySet());

            SQSBatchResponse redelivered = worker.handleRequest(Fleet.sqsEvent(messages), new TestContext("fetchfleet-worker", 300_000));

            assertEquals(List.of(), redelivered.getBatchItemFailures());
            List<BronzeRecord> part = bronze.readPart(run.partKey(0));
            assertEquals(20, part.size());
            part.forEach(r -> assertEquals(SlowApi.expectedStatus(Integer.parseInt(r.url().replaceAll(".*/", ""))), r.status(), r.url()));
            keptAtCut.forEach((id, count) -> assertEquals(count, api.calls.get(id).get(), "item " + id + " fetched again"));
            assertEquals(20, api.calls.size());
            assertEquals(List.of(), fleet.store.list(run.checkpointsPrefix()), "checkpoint removed once the part exists");
            assertTrue(bronze.readSuccess(run).isPresent());
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {Fleet.ELASTICMQ_S3MOCK, Fleet.MOTO})
    void dispatchingTheSameRunIdAgainSendsOnlyChunksWithoutAPart(String stores) throws Exception {
        try (SlowApi api = new SlowApi(10)) {
            Fleet fleet = Fleet.on(stores);
            String job = job(api, 30, 10, ", \"runId\": \"nightly-2026-11-27\"");
            RunRef run = runOf(fleet, fleet.dispatch(job));
            List<Message> first = fleet.receiveAll();
            assertEquals(3, first.size());
            work(fleet, first.subList(0, 1), 300_000);

            JsonNode again = fleet.mapper.readTree(fleet.dispatch(job));

            assertEquals(run.ingestDate(), again.get("ingestDate").asText());
            assertEquals(1, again.get("chunksAlreadyDone").asInt());
            assertEquals(2, again.get("chunksSent").asInt());
            work(fleet, fleet.receiveAll(), 300_000);
            Success success = new BronzeWriter(fleet.store, fleet.mapper, Clock.systemUTC()).readSuccess(run).orElseThrow();
            assertEquals(30, success.requests());

            JsonNode third = fleet.mapper.readTree(fleet.dispatch(job));
            assertEquals(0, third.get("chunksSent").asInt());
            assertEquals(List.of(), fleet.receiveAll());
        }
    }
}
