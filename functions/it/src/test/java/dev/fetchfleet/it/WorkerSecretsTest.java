package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.local.HttpJson;
import dev.fetchfleet.work.ChunkWorker;
import dev.fetchfleet.worker.ParameterSecrets;
import dev.fetchfleet.worker.WorkerHandler;
import dev.fetchfleet.worker.WorkerMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Header secrets are resolved in the worker from SSM Parameter Store and Secrets Manager (moto's
 * server, over their real HTTP APIs), reach the API, and appear nowhere else: not in the SQS messages,
 * the manifest, the bronze parts, nor the handlers' logs.
 */
class WorkerSecretsTest {

    private static final String TOKEN = "sm-secret-5f1d2c8a";
    private static final String API_KEY = "ssm-secret-91b3e7d4";

    @Test
    void resolvesSecretHeadersInTheWorkerAndKeepsThemOutOfMessagesBronzeAndLogs() throws Exception {
        assumeTrue(MotoServer.installed(), "moto_server is not on PATH; secret resolution not tried");
        Set<String> seen = ConcurrentHashMap.newKeySet();
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        api.createContext("/private/", exchange -> {
            try (exchange) {
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                String key = exchange.getRequestHeaders().getFirst("X-Api-Key");
                seen.add(auth + "|" + key);
                boolean ok = ("Bearer " + TOKEN).equals(auth) && API_KEY.equals(key);
                // An API that sets a cookie from the credential: its value must not reach bronze either.
                exchange.getResponseHeaders().add("Set-Cookie", "session=" + TOKEN);
                HttpJson.send(exchange, ok ? 200 : 401, ok ? "{\"ok\":true}" : "{\"ok\":false}");
            }
        });
        api.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        api.start();

        try (MotoServer moto = MotoServer.start()) {
            StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
            SsmClient ssm = SsmClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
            SecretsManagerClient secrets = SecretsManagerClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
            ssm.putParameter(b -> b.name("/fetchfleet/api-key").value(API_KEY).type(ParameterType.SECURE_STRING));
            secrets.createSecret(b -> b.name("fetchfleet/token").secretString(TOKEN));

            Fleet fleet = Fleet.onLocalServers();
            JsonNode answer = fleet.mapper.readTree(fleet.dispatch("""
                    {"source": "private", "chunkSize": 5,
                     "template": {"url": "http://127.0.0.1:%d/private/{n}", "values": {"n": {"from": 1, "to": 8}},
                                  "headers": {"Authorization": "Bearer {{secretsmanager:fetchfleet/token}}",
                                              "X-Api-Key": "{{ssm:/fetchfleet/api-key}}"}}}
                    """.formatted(api.getAddress().getPort())));
            RunRef run = new RunRef("private", answer.get("ingestDate").asText(), answer.get("runId").asText());
            List<Message> messages = fleet.receiveAll();
            Clock clock = Clock.systemUTC();
            WorkerHandler worker = new WorkerHandler(ChunkWorker.create(fleet.mapper, fleet.store,
                    Fetcher.newHttpClient(Duration.ofSeconds(5)), new ParameterSecrets(() -> ssm, () -> secrets), clock),
                    WorkerMetrics.none(), clock);

            SQSBatchResponse response = worker.handleRequest(Fleet.sqsEvent(messages), new TestContext("fetchfleet-worker", 300_000));

            assertEquals(List.of(), response.getBatchItemFailures());
            assertEquals(Set.of("Bearer " + TOKEN + "|" + API_KEY), seen, "the API got the resolved values");
            BronzeWriter bronze = new BronzeWriter(fleet.store, fleet.mapper);
            List<String> places = new ArrayList<>();
            messages.forEach(m -> places.add(m.body()));
            places.add(new String(fleet.store.get(run.manifestKey()).orElseThrow(), StandardCharsets.UTF_8));
            for (String part : bronze.partKeys(run)) {
                for (BronzeRecord record : bronze.readPart(part)) {
                    assertEquals(200, record.status());
                    places.add(fleet.mapper.writeValueAsString(record));
                }
            }
            String logged = Files.readString(Path.of("target", "it-logs", "handlers.log"));
            assertTrue(logged.contains(run.runId()), "the handlers' log lines of this run are scanned too");
            places.add(logged);
            for (String place : places) {
                assertFalse(place.contains(TOKEN), "token leaked into: " + place);
                assertFalse(place.contains(API_KEY), "API key leaked into: " + place);
            }
            assertEquals(8, places.stream().filter(p -> p.contains("\"request_id\"")).count());
        } finally {
            api.stop(0);
        }
    }
}
