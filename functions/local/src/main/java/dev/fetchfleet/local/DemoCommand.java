package dev.fetchfleet.local;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import dev.fetchfleet.job.JobOverrides;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchfleet demo}: a generated job against a slow demo API on loopback. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a slow demo API on loopback and run a generated job against it.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--requests", defaultValue = "1000", description = "Requests in the job (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--latency-ms", defaultValue = "1000", description = "The API's latency per call (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--failure-rate", defaultValue = "0.05", description = "Share of ids whose first call fails with 429/500/503 (default ${DEFAULT-VALUE}).")
    double failureRate;

    @Option(names = "--chunk-size", defaultValue = "100", description = "Requests per chunk (default ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--bronze", defaultValue = "bronze", description = "Bronze root (default ${DEFAULT-VALUE}).")
    String bronze;

    @CommandLine.Mixin
    FleetOptions options = new FleetOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(latencyMs), failureRate, 42))) {
            if (options.terminal() == TerminalMode.TEXT) {
                err.printf("demo API at %s: %d ms a call, %.0f%% of ids fail their first call%n",
                        api.baseUrl(), latencyMs, failureRate * 100);
            }
            String job = """
                    {"source": "demo",
                     "template": {"url": "%s/items/{id}", "values": {"id": {"from": 1, "to": %d}}},
                     "chunkSize": %d,
                     "fetch": {"maxInFlight": 256, "perHost": {"maxConcurrency": 1000, "requestsPerSecond": 2000},
                               "timeoutSeconds": 30, "retry": {"maxAttempts": 5, "baseDelayMillis": 200, "maxDelayMillis": 5000}}}
                    """.formatted(api.baseUrl(), requests, chunkSize);
            return RunCommand.runJob(job, JobOverrides.NONE, bronze, options, spec.commandLine().getOut(), err);
        }
    }
}
