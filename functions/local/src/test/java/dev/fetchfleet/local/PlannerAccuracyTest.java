package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestListExpander;
import dev.fetchfleet.plan.Prices;
import dev.fetchfleet.plan.RunEstimate;
import dev.fetchfleet.plan.RunPlanner;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner's wall-time prediction against the measured run of the same job on the local fleet,
 * for jobs bound by concurrency, by rate and by chunk waves: within 20%.
 */
class PlannerAccuracyTest {

    private static final ObjectMapper MAPPER = Json.newMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // name, requests, chunkSize, workers, per-host concurrency, per-host rate, latency ms
            "concurrency-bound: 400 requests in 8 chunks on 4 workers at 10 at a time and 500 ms, 400, 50, 4, 10, 1000, 500",
            "rate-bound: 300 requests in 3 chunks on 3 workers at 20 per second, 300, 100, 3, 50, 20, 100",
            "wave-bound: 600 requests in 6 chunks on 2 workers at 50 at a time and 300 ms, 600, 100, 2, 50, 1000, 300"})
    void predictsTheWallTimeOfALocalRunWithin20Percent(String name, int requests, int chunkSize, int workers, int concurrency,
                                                       double rate, long latencyMs, @TempDir Path dir) throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(latencyMs), 0, 1))) {
            String document = """
                    {"source": "plan", "chunkSize": %d,
                     "template": {"url": "%s/items/{id}", "values": {"id": {"from": 1, "to": %d}}},
                     "fetch": {"maxInFlight": %d, "perHost": {"maxConcurrency": %d, "requestsPerSecond": %s}}}
                    """.formatted(chunkSize, api.baseUrl(), requests, concurrency, concurrency, rate);
            Job job = new JobParser(MAPPER).parse(document);
            RunEstimate estimate = new RunPlanner(Prices.load(MAPPER)).estimate(
                    new RequestListExpander(MAPPER, path -> { throw new java.io.IOException("no files"); }).expand(job),
                    job.chunkSize(), job.fetch(), Duration.ofMillis(latencyMs), workers, 1769, 1);

            RunSummary measured = new LocalFleet(new LocalBronzeStore(dir), path -> { throw new java.io.IOException("no files"); },
                    new LocalFleet.Options(workers, Duration.ofMinutes(15), 5, Duration.ofMinutes(5)),
                    new PrintWriter(Writer.nullWriter()), MAPPER, Clock.systemUTC()).run(document);

            assertTrue(measured.complete(), measured.toString());
            assertEquals(requests, measured.succeeded());
            double error = Math.abs(estimate.expectedWallSeconds() - measured.runSeconds()) / measured.runSeconds();
            System.out.printf("planner, %s: predicted %.2f s, measured %.2f s, off by %.0f%%%n",
                    name, estimate.expectedWallSeconds(), measured.runSeconds(), error * 100);
            assertTrue(error <= 0.20, "predicted " + estimate.expectedWallSeconds() + " s, measured " + measured.runSeconds() + " s");
        }
    }
}
