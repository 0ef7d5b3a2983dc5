package dev.fetchfleet.local;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchfleet demo-api}: the demo API alone, until stopped. */
@Command(name = "demo-api", mixinStandardHelpOptions = true,
        description = "Serve the demo API on loopback until stopped, to try job files against (events/demo-job.json).")
final class DemoApiCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8765", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--latency-ms", defaultValue = "1000", description = "Latency per call (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--failure-rate", defaultValue = "0.05", description = "Share of ids whose first call fails (default ${DEFAULT-VALUE}).")
    double failureRate;

    @Override
    public Integer call() throws Exception {
        try (DemoApi api = DemoApi.start(port, new DemoApi.Options(Duration.ofMillis(latencyMs), failureRate, 42))) {
            System.err.println("demo API serving GET " + api.baseUrl() + "/items/{id}; Ctrl-C stops it");
            new CountDownLatch(1).await();
        }
        return 0;
    }
}
