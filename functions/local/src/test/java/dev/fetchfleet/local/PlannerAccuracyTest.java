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
            // name, requests, chunkSize, workers, the API's concurrency and rate (fleet-wide), latency ms
            "concurrency-bound: 400 requests on 4 workers at 40 at a time and 500 ms, 400, 50, 4, 40, 1000, 500",
            "rate-bound: 300 requests on 3 workers at 60 per second, 300, 100, 3, 150, 60, 100",
            "wave-bound: 600 requests on 2 workers at 100 at a time and 300 ms, 600, 100, 2, 100, 1000, 300"})
    void predictsTheWallTimeOfALocalRunWithin20Percent(String name, int requests, int chunkSize, int workers, int concurrency,
                                                       double rate, long latencyMs, @TempDir Path dir) throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(latencyMs), 0, 1))) {
            String document = """
                    {"source": "plan", "chunkSize": %d,
                     "template": {"url": "%s/items/{id}", "values": {"id": {"from": 1, "to": %d}}},
                     "plan": {"latencyMillis": %d},
                     "fetch": {"perHost": {"maxConcurrency": %d, "requestsPerSecond": %s}}}
                    """.formatted(chunkSize, api.baseUrl(), requests, latencyMs, concurrency, rate);
            Job job = new JobParser(MAPPER).parse(document);
            var requestList = new RequestListExpander(MAPPER, path -> { throw new java.io.IOException("no files"); }).expand(job);
            // The dispatcher's own layout for this fleet, as `plan` computes it.
            var layout = dev.fetchfleet.plan.FleetLayout.plan(requestList, job.chunkSize(), job.fetch(), workers,
                    Duration.ofMillis(latencyMs), 1);
            RunEstimate estimate = new RunPlanner(Prices.load(MAPPER)).estimate(requestList, layout, job.fetch(),
                    Duration.ofMillis(latencyMs), 1769, 1);

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
