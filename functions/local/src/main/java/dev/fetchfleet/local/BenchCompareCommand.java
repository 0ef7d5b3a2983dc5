package dev.fetchfleet.local;

import dev.fetchfleet.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchfleet bench compare}: the same request lists through four fetchers side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Side-by-side: 1 to 10,000 requests through four fetchers; writes benchmarks.md and benchmarks.png.")
final class BenchCompareCommand implements Callable<Integer> {
    @Option(names = "--latency-ms", defaultValue = "100", description = "The API's latency per call (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--counts", split = ",", defaultValue = "1,10,100,1000,10000", description = "Request counts (default ${DEFAULT-VALUE}).")
    List<Integer> counts;

    @Option(names = "--cap", defaultValue = "900", description = "FetchFleet's in-flight cap (default ${DEFAULT-VALUE}, its maximum).")
    int cap;

    @Option(names = "--budget", defaultValue = "120", description = "Cells estimated longer than this many seconds are not run (default ${DEFAULT-VALUE}).")
    long budgetSeconds;

    @Option(names = "--out", defaultValue = "docs", description = "Directory for benchmarks.md and benchmarks.png (default ${DEFAULT-VALUE}).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BenchCompare.run(new BenchCompare.Settings(Duration.ofMillis(latencyMs), counts, cap, Duration.ofSeconds(budgetSeconds), out),
                spec.commandLine().getErr(), Json.newMapper());
        return 0;
    }
}
