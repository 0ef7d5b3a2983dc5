package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The API's limits are the fleet's: however many workers run, and with fewer, as many or more chunks
 * than workers, the API never sees more requests in flight than {@code maxConcurrency} nor more starts
 * in any one second than {@code requestsPerSecond} (+10% for the jitter between a start and its
 * arrival), also while it answers 429 with Retry-After, 500s, and stalls some requests.
 */
class FleetLimitsTest {

    @ParameterizedTest(name = "{0} workers, chunks of {1} (0: chosen), {2} in flight, {3}/s, {4} requests")
    @CsvSource({
            // workers, chunkSize, maxConcurrency, requestsPerSecond, requests
            "1,  20, 12, 100, 60",    // more chunks than workers
            "4,  30, 12, 100, 120",   // as many chunks as workers
            "10, 100, 12, 100, 200",  // fewer chunks than workers
            "50, 10, 12, 100, 200",   // more workers than the cap allows fetchers
            "10, 20,  3, 100, 60",    // a cap below the worker count
            "10, 25, 40, 30,  150",   // a rate cap, shared ten ways
            "4,  0, 40, 100, 1200"})  // chunkSize left out: the dispatcher's chosen layout (4 chunks of 300)
    void theApiNeverSeesMoreThanTheCapsWhateverTheWorkerCount(int workers, int chunkSize, int maxConcurrency, int rate,
                                                              int requests, @TempDir Path dir) throws Exception {
        // 429 with Retry-After: 1 s, 500s and 2 s stalls on some first calls; 404s and 503s for good.
        try (FlakyApi api = new FlakyApi(50, 1, 2_000)) {
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "limits",%s
                     "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": %d}}},
                     "plan": {"latencyMillis": 50},
                     "fetch": {"perHost": {"maxConcurrency": %d, "requestsPerSecond": %d}, "timeoutSeconds": 10,
                               "retry": {"maxAttempts": 3, "baseDelayMillis": 20, "maxDelayMillis": 200}}}
                    """.formatted(chunkSize == 0 ? "" : " \"chunkSize\": " + chunkSize + ",", api.base(), requests, maxConcurrency, rate));

            Cli.Result result = Cli.run("run", job.toString(), "--bronze", dir.resolve("bronze").toString(),
                    "--workers", Integer.toString(workers));

            assertEquals(0, result.exitCode(), result.err());
            JsonNode summary = result.summary();
            assertTrue(summary.get("complete").asBoolean(), summary.toString());
            assertEquals(requests, summary.get("requests").asInt());
            assertTrue(api.peakInFlight() <= maxConcurrency,
                    "the API saw " + api.peakInFlight() + " in flight, against its " + maxConcurrency + "\n" + result.err());
            assertTrue(api.peakStartsPerSecond() <= rate * 1.1,
                    "the API saw " + api.peakStartsPerSecond() + " starts in one second, against its " + rate + "/s\n" + result.err());
            assertTrue(api.peakInFlight() >= Math.min(maxConcurrency, 2), "the fleet fetched concurrently at all");
        }
    }

    /**
     * A run keeps the lanes it was laid out in: resumed on five times the workers, the surplus workers
     * stay idle instead of each fetching a chunk with a share meant for two lanes.
     */
    @org.junit.jupiter.api.Test
    void aRunResumedOnMoreWorkersThanItWasLaidOutForStillHoldsTheCaps(@TempDir Path dir) throws Exception {
        int maxConcurrency = 4;
        int requests = 240;
        try (FlakyApi api = new FlakyApi(100, 1)) {
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "relaned", "chunkSize": 10,
                     "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": %d}}},
                     "fetch": {"perHost": {"maxConcurrency": %d, "requestsPerSecond": 1000}, "timeoutSeconds": 10,
                               "retry": {"maxAttempts": 3, "baseDelayMillis": 20, "maxDelayMillis": 200}}}
                    """.formatted(api.base(), requests, maxConcurrency));
            Path bronze = dir.resolve("bronze");
            List<String> firstArgs = List.of("run", job.toString(), "--bronze", bronze.toString(), "--run-id", "relaned-1",
                    "--workers", "2");
            Process first = Cli.start(firstArgs, dir.resolve("first.log"));
            while (parts(bronze) < 3 && first.isAlive()) {
                Thread.sleep(20);
            }
            first.destroyForcibly(); // SIGKILL after a few of the 24 chunks: most are still to fetch
            first.waitFor(30, TimeUnit.SECONDS);
            long partsAtKill = parts(bronze);

            Cli.Result resumed = Cli.run("run", job.toString(), "--bronze", bronze.toString(), "--run-id", "relaned-1",
                    "--workers", "10");

            assertEquals(0, resumed.exitCode(), resumed.err());
            assertTrue(resumed.summary().get("complete").asBoolean(), resumed.summary().toString());
            assertTrue(partsAtKill < 20, "the kill left most chunks to the resumed run (" + partsAtKill + " of 24 written)");
            assertTrue(api.peakInFlight() <= maxConcurrency,
                    "the API saw " + api.peakInFlight() + " in flight, against its " + maxConcurrency + "\n" + resumed.err());
        }
    }

    private static long parts(Path bronze) throws java.io.IOException {
        return LiveFiles.parts(bronze).size();
    }
}
