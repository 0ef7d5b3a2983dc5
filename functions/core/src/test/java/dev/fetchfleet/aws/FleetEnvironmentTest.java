package dev.fetchfleet.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.fetch.Destinations;
import dev.fetchfleet.fetch.SecretReferences;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;

/**
 * The deployed fleet's wiring read from a map, not the process environment. Clients are built on an explicit
 * loopback endpoint and region and never called: building one sends nothing.
 */
@Tag("unit")
class FleetEnvironmentTest {

    @TempDir
    Path bronze;

    private Map<String, String> deployed() {
        Map<String, String> env = new HashMap<>();
        env.put("BRONZE_ROOT", bronze.toString());
        env.put("CHUNK_QUEUE_URL", "http://127.0.0.1:9/000000000000/chunks");
        env.put("FETCHFLEET_ENDPOINT_URL", "http://127.0.0.1:9");
        env.put("AWS_REGION", "eu-west-1");
        return env;
    }

    @Test
    void buildsTheDispatcherAndTheWorkerFromTheMapAlone() {
        FleetEnvironment env = FleetEnvironment.of(deployed());
        assertNotNull(env.dispatcher());
        assertNotNull(env.worker(SecretReferences.NONE));
        assertEquals(URI.create("http://127.0.0.1:9"), env.endpoint());
        assertEquals(Region.EU_WEST_1, env.s3().serviceClientConfiguration().region());
        assertEquals(Region.EU_WEST_1, env.sqs().serviceClientConfiguration().region());
        assertEquals(URI.create("http://127.0.0.1:9"), env.sqs().serviceClientConfiguration().endpointOverride().orElseThrow());
        assertSame(env.s3(), env.s3(), "bronze and requestsFrom share one S3 client");
    }

    @Test
    void refusesToStartWithoutABronzeRootOrAChunkQueue() {
        Map<String, String> noRoot = deployed();
        noRoot.remove("BRONZE_ROOT");
        var e = assertThrows(IllegalStateException.class, () -> FleetEnvironment.of(noRoot).dispatcher());
        assertEquals("environment variable BRONZE_ROOT is not set", e.getMessage());
        assertThrows(IllegalStateException.class, () -> FleetEnvironment.of(noRoot).worker(SecretReferences.NONE));

        Map<String, String> noQueue = deployed();
        noQueue.put("CHUNK_QUEUE_URL", " ");
        e = assertThrows(IllegalStateException.class, () -> FleetEnvironment.of(noQueue).dispatcher());
        assertEquals("environment variable CHUNK_QUEUE_URL is not set", e.getMessage());
    }

    @Test
    void workerMaxConcurrencyIsAWholeNumberOrUnknown() {
        Map<String, String> env = deployed();
        assertEquals(0, FleetEnvironment.of(env).workerMaxConcurrency());
        env.put("WORKER_MAX_CONCURRENCY", " 25 ");
        assertEquals(25, FleetEnvironment.of(env).workerMaxConcurrency());
        env.put("WORKER_MAX_CONCURRENCY", "ten");
        var e = assertThrows(IllegalStateException.class, () -> FleetEnvironment.of(env).dispatcher());
        assertEquals("WORKER_MAX_CONCURRENCY must be a whole number, was ten", e.getMessage());
    }

    @Test
    void deadLettersNeedBothTheQueueAndTheReceiveCount() {
        Map<String, String> env = deployed();
        env.put("DLQ_URL", "http://127.0.0.1:9/000000000000/chunks-dlq");
        assertFalse(FleetEnvironment.of(env).deadLetters().isLastDelivery(100), "no MAX_RECEIVE_COUNT: nothing is parked");
        env.put("MAX_RECEIVE_COUNT", "5");
        DeadLetterQueue parked = FleetEnvironment.of(env).deadLetters();
        assertFalse(parked.isLastDelivery(4));
        assertTrue(parked.isLastDelivery(5));
        env.put("MAX_RECEIVE_COUNT", "five");
        var e = assertThrows(IllegalStateException.class, () -> FleetEnvironment.of(env).deadLetters());
        assertTrue(e.getMessage().contains("MAX_RECEIVE_COUNT"), e.getMessage());
    }

    @Test
    void privateNetworksFollowTheSettingAndDefaultToTheJob() {
        Map<String, String> env = deployed();
        assertEquals(Destinations.PrivateNetworks.JOB, FleetEnvironment.of(env).destinations().privateNetworks());
        env.put("FETCHFLEET_PRIVATE_NETWORKS", "Refuse");
        assertEquals(Destinations.PrivateNetworks.REFUSE, FleetEnvironment.of(env).destinations().privateNetworks());
    }

    @Test
    void noEndpointMeansAwsItself() {
        Map<String, String> env = deployed();
        env.remove("FETCHFLEET_ENDPOINT_URL");
        assertNull(FleetEnvironment.of(env).endpoint());
    }
}
