package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.run.Success;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The dispatcher and worker against LocalStack's S3 and SQS, for machines with a Docker engine; it
 * skips where there is none. The image is pinned; LocalStack images after 4.14.0 need
 * LOCALSTACK_AUTH_TOKEN, which is passed through when set.
 */
@Testcontainers(disabledWithoutDocker = true)
@Tag("runtime")
class LocalStackFleetTest {

    static final String IMAGE = "localstack/localstack:4.14.0";

    @Container
    static final LocalStackContainer LOCALSTACK = withToken(new LocalStackContainer(IMAGE).withServices("s3", "sqs"));

    private static LocalStackContainer withToken(LocalStackContainer container) {
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        return token == null || token.isBlank() ? container : container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
    }

    @Test
    void aJobRunsThroughDispatcherQueueWorkerAndS3() throws Exception {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
        Region region = Region.of(LOCALSTACK.getRegion());
        S3Client s3 = S3Client.builder().endpointOverride(LOCALSTACK.getEndpoint()).forcePathStyle(true)
                .credentialsProvider(credentials).region(region).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        SqsClient sqs = SqsClient.builder().endpointOverride(LOCALSTACK.getEndpoint())
                .credentialsProvider(credentials).region(region).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        s3.createBucket(b -> b.bucket("bronze-localstack"));

        try (SlowApi api = new SlowApi(20)) {
            Fleet fleet = new Fleet(s3, sqs, "bronze-localstack", "bronze");
            JsonNode answer = fleet.mapper.readTree(fleet.dispatch("""
                    {"source": "items", "chunkSize": 5,
                     "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": 12}}},
                     "fetch": {"retry": {"maxAttempts": 3, "baseDelayMillis": 10, "maxDelayMillis": 100}}}
                    """.formatted(api.base())));
            RunRef run = new RunRef("items", answer.get("ingestDate").asText(), answer.get("runId").asText());

            SQSBatchResponse response = fleet.worker.handleRequest(Fleet.sqsEvent(fleet.receiveAll()), new TestContext("fetchfleet-worker", 300_000));

            assertEquals(List.of(), response.getBatchItemFailures());
            Success success = new RunFiles(fleet.store, fleet.mapper).readSuccess(run).orElseThrow();
            assertEquals(12, success.requests());
            assertEquals(Map.of("200", 11L, "404", 1L), success.statusCounts());
            assertTrue(fleet.store.exists(run.partKey(2)));
        }
    }
}
