package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.run.Success;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import dev.fetchfleet.work.ChunkWorker;
import dev.fetchfleet.worker.WorkerHandler;
import dev.fetchfleet.worker.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

class WorkerHandlerTest {

    private static String job(SlowApi api, int count, int chunkSize, int timeoutSeconds) {
        return """
                {"source": "items", "chunkSize": %d,
                 "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": %d}}},
                 "fetch": {"timeoutSeconds": %d, "retry": {"maxAttempts": 3, "baseDelayMillis": 10, "maxDelayMillis": 100}}}
                """.formatted(chunkSize, api.base(), count, timeoutSeconds);
    }

    private static RunRef runOf(Fleet fleet, String answer) throws Exception {
        JsonNode node = fleet.mapper.readTree(answer);
        return new RunRef(node.get("source").asText(), node.get("ingestDate").asText(), node.get("runId").asText());
    }

    @Test
    void writesEachChunkAsOnePartAndTheLastOneCompletesTheRun() throws Exception {
        try (SlowApi api = new SlowApi(50)) {
            Fleet fleet = Fleet.onLocalServers();
            RunRef run = runOf(fleet, fleet.dispatch(job(api, 25, 10, 10)));

            SQSBatchResponse response = fleet.worker.handleRequest(Fleet.sqsEvent(fleet.receiveAll()), new TestContext("fetchfleet-worker", 300_000));

            assertEquals(List.of(), response.getBatchItemFailures());
            BronzeWriter bronze = new BronzeWriter(fleet.store, fleet.mapper);
            assertEquals(List.of(run.partKey(0), run.partKey(1), run.partKey(2)), bronze.partKeys(run));
            Map<String, Integer> statusById = new HashMap<>();
            for (String part : bronze.partKeys(run)) {
                for (BronzeRecord record : bronze.readPart(part)) {
                    assertEquals(null, statusById.put(record.url(), record.status()), "one record per request");
                    assertEquals(run.runId(), record.runId());
                }
            }
            assertEquals(25, statusById.size());
            for (int n = 1; n <= 25; n++) {
                assertEquals(SlowApi.expectedStatus(n), statusById.get(api.base() + "/items/" + n), "item " + n);
            }
            Success success = new RunFiles(fleet.store, fleet.mapper).readSuccess(run).orElseThrow();
            assertEquals(25, success.requests());
            assertEquals(Map.of("200", 22L, "404", 3L), success.statusCounts());
        }
    }

    @Test
    void reportsAPoisonMessageAsABatchItemFailureAndKeepsTheOthers() throws Exception {
        try (SlowApi api = new SlowApi(10)) {
            Fleet fleet = Fleet.onLocalServers();
            RunRef run = runOf(fleet, fleet.dispatch(job(api, 10, 10, 10)));
            List<Message> messages = new ArrayList<>(fleet.receiveAll());
            messages.add(Message.builder().messageId("poison-1").receiptHandle("r").body("{\"not\": \"a chunk\"}").build());

            SQSBatchResponse response = fleet.worker.handleRequest(Fleet.sqsEvent(messages), new TestContext("fetchfleet-worker", 300_000));

            assertEquals(List.of("poison-1"), response.getBatchItemFailures().stream()
                    .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
            assertTrue(fleet.store.exists(run.partKey(0)));
            assertTrue(fleet.store.exists(run.successKey()));
        }
    }

    @Test
    void handsAChunkBackWhenItsDeadlineCannotCoverARequestAndWritesNothing() throws Exception {
        try (SlowApi api = new SlowApi(10)) {
            Fleet fleet = Fleet.onLocalServers();
            RunRef run = runOf(fleet, fleet.dispatch(job(api, 5, 5, 30)));
            List<Message> messages = fleet.receiveAll();

            // 20 s left, but a request may take 30 s and writing needs 10 more: nothing may start.
            SQSBatchResponse response = fleet.worker.handleRequest(Fleet.sqsEvent(messages), new TestContext("fetchfleet-worker", 20_000));

            assertEquals(1, response.getBatchItemFailures().size());
            assertEquals(messages.getFirst().messageId(), response.getBatchItemFailures().getFirst().getItemIdentifier());
            assertEquals(false, fleet.store.exists(run.partKey(0)));
            assertEquals(0, api.calls.size(), "no request went out");
        }
    }

    @Test
    void aMetricsFlushThatFailsDoesNotFailChunksAlreadyWritten() throws Exception {
        try (SlowApi api = new SlowApi(10)) {
            Fleet fleet = Fleet.onLocalServers();
            RunRef run = runOf(fleet, fleet.dispatch(job(api, 10, 10, 10)));
            WorkerMetrics failingFlush = new WorkerMetrics() {
                @Override
                public void chunkDone(dev.fetchfleet.work.ChunkResult result) {}

                @Override
                public void chunkFailed() {}

                @Override
                public void chunkContinued() {}

                @Override
                public void flush() {
                    throw new IllegalArgumentException("Namespace must be specified before flushing metrics");
                }
            };
            WorkerHandler worker = new WorkerHandler(ChunkWorker.create(fleet.mapper, fleet.store,
                    Fetcher.newHttpClient(Duration.ofSeconds(5)), Clock.systemUTC()), failingFlush, Clock.systemUTC());

            SQSBatchResponse response = worker.handleRequest(Fleet.sqsEvent(fleet.receiveAll()), new TestContext("fetchfleet-worker", 300_000));

            assertEquals(List.of(), response.getBatchItemFailures());
            assertTrue(fleet.store.exists(run.successKey()));
        }
    }

    @Test
    void theSqsChunkSampleEventCarriesAChunk() {
        Fleet fleet = Fleet.onLocalServers();
        SQSEvent event = EventLoader.loadSQSEvent(Repo.file("events/sqs-chunk-event.json").toString());
        Chunk chunk = new ChunkMessages(fleet.mapper, fleet.store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES)
                .decode(event.getRecords().getFirst().getBody());
        assertEquals(2, chunk.requests().size());
        assertEquals("posts", chunk.run().source());
    }
}
