package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fetchfleet.WireFormat;
import dev.fetchfleet.aws.DeadLetterQueue;
import dev.fetchfleet.aws.Redrive;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import dev.fetchfleet.work.ChunkWorker;
import dev.fetchfleet.worker.WorkerHandler;
import dev.fetchfleet.worker.WorkerMetrics;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** A chunk that keeps failing ends in the DLQ with its error; redrive brings DLQ messages back. */
class DeadLetterTest {

    private final SqsClient sqs = LocalServers.sqs().client();

    private String newQueue(String name) {
        return sqs.createQueue(b -> b.queueName(name + "-" + UUID.randomUUID().toString().substring(0, 8))).queueUrl();
    }

    private static SQSEvent.SQSMessage delivery(String id, String body, int receiveCount) {
        SQSEvent.SQSMessage message = Fleet.sqsEvent(List.of(Message.builder().messageId(id).receiptHandle("r-" + id).body(body).build()))
                .getRecords().getFirst();
        message.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount)));
        return message;
    }

    private List<Message> drain(String queue) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
    }

    @Test
    void aPoisonChunkIsHandedBackUntilItsLastDeliveryThenParkedWithItsError() {
        Fleet fleet = Fleet.onLocalServers();
        String dlq = newQueue("dlq");
        Clock clock = Clock.systemUTC();
        WorkerHandler worker = new WorkerHandler(ChunkWorker.create(fleet.mapper, fleet.store, Fetcher.newHttpClient(Duration.ofSeconds(5)), clock),
                WorkerMetrics.none(), clock, new DeadLetterQueue(sqs, dlq, 3, clock));
        String poison = "{\"run\": \"not a chunk\"}";

        SQSEvent early = new SQSEvent();
        early.setRecords(List.of(delivery("m-1", poison, 2)));
        SQSBatchResponse second = worker.handleRequest(early, new TestContext("fetchfleet-worker", 300_000));
        assertEquals(1, second.getBatchItemFailures().size(), "not yet the last delivery: back to the queue");
        assertEquals(List.of(), drain(dlq));

        SQSEvent last = new SQSEvent();
        last.setRecords(List.of(delivery("m-1", poison, 3)));
        SQSBatchResponse third = worker.handleRequest(last, new TestContext("fetchfleet-worker", 300_000));

        assertEquals(List.of(), third.getBatchItemFailures(), "parked, so it leaves the chunk queue");
        List<Message> parked = drain(dlq);
        assertEquals(1, parked.size());
        assertEquals(poison, parked.getFirst().body());
        String error = parked.getFirst().messageAttributes().get(DeadLetterQueue.ERROR_ATTRIBUTE).stringValue();
        assertTrue(error.contains("not a FetchFleet chunk message"), error);
        assertEquals("3", parked.getFirst().messageAttributes().get(DeadLetterQueue.RECEIVES_ATTRIBUTE).stringValue());
    }

    @Test
    void aChunkMessageFromANewerDispatcherIsParkedWithTheVersionItWasRefusedForAndFetchesNothing() throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        String dlq = newQueue("dlq");
        Clock clock = Clock.systemUTC();
        WorkerHandler worker = new WorkerHandler(ChunkWorker.create(fleet.mapper, fleet.store, Fetcher.newHttpClient(Duration.ofSeconds(5)), clock),
                WorkerMetrics.none(), clock, new DeadLetterQueue(sqs, dlq, 1, clock));
        RunRef run = new RunRef("items", "2026-11-30", "newer-" + UUID.randomUUID().toString().substring(0, 8));
        Chunk chunk = new Chunk(run, 0, 1, 1, FetchConfig.DEFAULT,
                List.of(new RequestSpec("r", "GET", URI.create("http://127.0.0.1:9/never"), Map.of(), null)));
        ObjectNode message = (ObjectNode) fleet.mapper.readTree(
                new ChunkMessages(fleet.mapper, fleet.store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES).encode(chunk));
        int newer = WireFormat.CHUNK_MESSAGE.current() + 1;
        message.put(WireFormat.FIELD, newer);

        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(delivery("m-newer", message.toString(), 1)));
        SQSBatchResponse response = worker.handleRequest(event, new TestContext("fetchfleet-worker", 300_000));

        assertEquals(List.of(), response.getBatchItemFailures(), "parked on its last delivery");
        List<Message> parked = drain(dlq);
        assertEquals(1, parked.size());
        String error = parked.getFirst().messageAttributes().get(DeadLetterQueue.ERROR_ATTRIBUTE).stringValue();
        assertTrue(error.contains("chunk message format " + newer + " is newer than this worker reads (" + WireFormat.CHUNK_MESSAGE.current()
                + "): deploy the new worker before the new dispatcher"), error);
        assertEquals(List.of(), fleet.store.list(run.prefix()), "nothing fetched, nothing written");
    }

    @Test
    void redriveMovesEveryDeadLetterBackToTheChunkQueue() throws Exception {
        String dlq = newQueue("dlq");
        String queue = newQueue("chunks");
        Set<String> bodies = Set.of("{\"chunk\":1}", "{\"chunk\":2}", "{\"chunk\":3}");
        bodies.forEach(body -> sqs.sendMessage(b -> b.queueUrl(dlq).messageBody(body)));

        Redrive.Result result = new Redrive(sqs).run(dlq, queue);

        Set<String> arrived = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (arrived.size() < bodies.size() && System.nanoTime() < deadline) {
            drain(queue).forEach(m -> arrived.add(m.body()));
        }
        assertEquals(bodies, arrived, "moved by " + (result.moveTask() ? "a move task" : "receive-and-send"));
        assertEquals(List.of(), drain(dlq));
    }
}
