package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.aws.AwsClients;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.aws.S3BronzeStore;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.work.ChunkWorker;
import dev.fetchfleet.worker.WorkerHandler;
import dev.fetchfleet.worker.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * S3 failing for a while: the SDK retries, a chunk that still cannot reach S3 goes back to the queue,
 * and its redelivery lands it; bronze ends with every request once.
 */
class S3OutageTest {

    @Test
    void chunksThatCannotReachS3AreHandedBackAndLandOnceS3Recovers() throws Exception {
        try (SlowApi api = new SlowApi(10); FlakyS3Proxy proxy = new FlakyS3Proxy(LocalServers.s3Endpoint())) {
            Fleet fleet = Fleet.onLocalServers();
            JsonNode answer = fleet.mapper.readTree(fleet.dispatch("""
                    {"source": "items", "chunkSize": 10,
                     "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": 30}}},
                     "fetch": {"retry": {"maxAttempts": 3, "baseDelayMillis": 10, "maxDelayMillis": 100}}}
                    """.formatted(api.base())));
            RunRef run = new RunRef("items", answer.get("ingestDate").asText(), answer.get("runId").asText());
            List<Message> messages = fleet.receiveAll();
            Clock clock = Clock.systemUTC();
            WorkerHandler worker = new WorkerHandler(ChunkWorker.create(fleet.mapper,
                    new S3BronzeStore(AwsClients.s3(proxy.endpoint()), fleet.bucket, "bronze"),
                    Fetcher.newHttpClient(Duration.ofSeconds(5)), clock), WorkerMetrics.none(), clock);

            // An outage of every S3 call: nothing fetched, everything handed back.
            proxy.failWhen(method -> true);
            SQSBatchResponse down = worker.handleRequest(Fleet.sqsEvent(messages), new TestContext("fetchfleet-worker", 300_000));
            assertEquals(3, down.getBatchItemFailures().size());
            assertEquals(0, api.calls.size(), "no request is fetched while bronze cannot be read");

            // Writes failing only: the chunks are fetched but cannot land; still handed back, nothing half-written.
            proxy.failWhen(method -> method.equals("PUT"));
            SQSBatchResponse writesDown = worker.handleRequest(Fleet.sqsEvent(messages), new TestContext("fetchfleet-worker", 300_000));
            assertEquals(3, writesDown.getBatchItemFailures().size());
            BronzeWriter bronze = new BronzeWriter(fleet.store, fleet.mapper);
            assertEquals(List.of(), bronze.partKeys(run));
            int callsBeforeRecovery = api.calls.values().stream().mapToInt(AtomicInteger::get).sum();

            proxy.failWhen(method -> false);
            SQSBatchResponse up = worker.handleRequest(Fleet.sqsEvent(messages), new TestContext("fetchfleet-worker", 300_000));

            assertEquals(List.of(), up.getBatchItemFailures());
            assertTrue(proxy.failed.get() > 6, "the outage was real: " + proxy.failed.get() + " S3 calls refused");
            assertEquals(30, new RunFiles(fleet.store, fleet.mapper).readSuccess(run).orElseThrow().requests());
            assertEquals(3, bronze.partKeys(run).size());
            int refetched = api.calls.values().stream().mapToInt(AtomicInteger::get).sum() - callsBeforeRecovery;
            System.out.printf("S3 outage: %d S3 calls refused, 30 requests checked, 0 lost, 0 duplicated, %d re-fetched "
                    + "(fetched while writes failed)%n", proxy.failed.get(), refetched);
            assertEquals(List.of(), fleet.store.list(run.checkpointsPrefix()), "no checkpoint left once the parts exist");
        }
    }
}
