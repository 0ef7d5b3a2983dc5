package dev.fetchfleet.local;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestListExpander;
import dev.fetchfleet.job.RequestSpec;
import dev.fetchfleet.job.TextFiles;
import dev.fetchfleet.plan.FleetLayout;
import dev.fetchfleet.plan.Prices;
import dev.fetchfleet.plan.RunEstimate;
import dev.fetchfleet.plan.RunPlanner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * {@code fetchfleet bench planner}: the planner's wall-time prediction beside a measured local run of
 * the same job against the demo API, for jobs bound by concurrency, by rate and by chunk waves. A
 * measurement of wall time, so a benchmark to run on a quiet machine, not a test of the default build.
 */
final class BenchPlanner {

    /** One job shape: requests in chunks on workers, the API's concurrency and rate (fleet-wide), its latency. */
    record Scenario(@JsonProperty("name") String name, @JsonProperty("requests") int requests,
                    @JsonProperty("chunk_size") int chunkSize, @JsonProperty("workers") int workers,
                    @JsonProperty("concurrency") int concurrency, @JsonProperty("rate") double rate,
                    @JsonProperty("latency_ms") long latencyMs) {}

    record Result(@JsonProperty("scenario") Scenario scenario, @JsonProperty("predicted_seconds") double predictedSeconds,
                  @JsonProperty("measured_seconds") double measuredSeconds, @JsonProperty("error") double error,
                  @JsonProperty("complete") boolean complete) {}

    /** The three shapes the planner's model distinguishes. */
    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("concurrency-bound", 400, 50, 4, 40, 1000, 500),
            new Scenario("rate-bound", 300, 100, 3, 150, 60, 100),
            new Scenario("wave-bound", 600, 100, 2, 100, 1000, 300));

    private static final TextFiles NO_FILES = path -> {
        throw new IOException("no files");
    };

    private BenchPlanner() {}

    static Result measure(Scenario s, ObjectMapper mapper) throws IOException {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(s.latencyMs()), 0, 1))) {
            String document = """
                    {"source": "plan", "chunkSize": %d,
                     "template": {"url": "%s/items/{id}", "values": {"id": {"from": 1, "to": %d}}},
                     "plan": {"latencyMillis": %d},
                     "fetch": {"perHost": {"maxConcurrency": %d, "requestsPerSecond": %s}}}
                    """.formatted(s.chunkSize(), api.baseUrl(), s.requests(), s.latencyMs(), s.concurrency(), s.rate());
            Job job = new JobParser(mapper).parse(document);
            List<RequestSpec> requests = new RequestListExpander(mapper, NO_FILES).expand(job);
            // The dispatcher's own layout for this fleet, as `plan` computes it.
            FleetLayout layout = FleetLayout.plan(requests, job.statedChunkSize(), job.fetch(), s.workers(), Duration.ofMillis(s.latencyMs()), 1);
            RunEstimate estimate = new RunPlanner(Prices.load(mapper)).estimate(requests, layout, job.fetch(),
                    Duration.ofMillis(s.latencyMs()), 1769, 1);
            Path bronze = Files.createTempDirectory("fetchfleet-bench-planner");
            RunSummary measured = new LocalFleet(new LocalBronzeStore(bronze), NO_FILES,
                    new LocalFleet.Options(s.workers(), Duration.ofMinutes(15), 5, Duration.ofMinutes(5)),
                    new PrintWriter(Writer.nullWriter()), mapper, Clock.systemUTC()).run(document);
            double error = Math.abs(estimate.expectedWallSeconds() - measured.runSeconds()) / measured.runSeconds();
            return new Result(s, estimate.expectedWallSeconds(), measured.runSeconds(), Math.round(error * 1000) / 1000.0,
                    measured.complete() && measured.succeeded() == s.requests());
        }
    }
}
