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
    /** Calls at a time while warming up: a few rounds of the latency, whatever the count. */
    private static final int WARM_UP_CONCURRENCY = 500;

    @Option(names = "--port", defaultValue = "8765", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--latency-ms", defaultValue = "1000", description = "Latency per call (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--failure-rate", defaultValue = "0.05", description = "Share of ids whose first call fails (default ${DEFAULT-VALUE}).")
    double failureRate;

    @Option(names = "--token-life", defaultValue = "60", description = "Life of an OAuth2 token from /oauth/token, in seconds (default ${DEFAULT-VALUE}).")
    double tokenLifeSeconds;

    @Option(names = "--warm-up", defaultValue = "0",
            description = "Calls the API answers to itself, and then forgets, before it serves (default ${DEFAULT-VALUE}); the benchmarks' API is warm, as a real one is.")
    int warmUpCalls;

    @Override
    public Integer call() throws Exception {
        try (DemoApi api = DemoApi.start(port, new DemoApi.Options(Duration.ofMillis(latencyMs), failureRate, 42,
                Duration.ofMillis((long) (tokenLifeSeconds * 1000))))) {
            if (warmUpCalls > 0) {
                api.warmUp(warmUpCalls, WARM_UP_CONCURRENCY);
            }
            System.err.println("demo API serving " + api.baseUrl() + ": GET /items/{id}, /feed/{chain}, /secure/items/{id} "
                    + "(OAuth2 from POST /oauth/token), /keyed/items/{id} (API key), /stripe/customers, /offset/orders, /events; "
                    + "POST /search; Ctrl-C stops it");
            new CountDownLatch(1).await();
        }
        return 0;
    }
}
