package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchfleet bench pages}: chains of pages against their bound. */
@Command(name = "pages", mixinStandardHelpOptions = true,
        description = "The paginated case: chains of pages, one page after another, chains side by side; bound latency x pages.")
final class BenchPagesCommand implements Callable<Integer> {
    @Option(names = "--chains", defaultValue = "100", description = "Chains (default ${DEFAULT-VALUE}).")
    int chains;

    @Option(names = "--pages", defaultValue = "50", description = "Pages per chain (default ${DEFAULT-VALUE}).")
    int pages;

    @Option(names = "--latency-ms", defaultValue = "100", description = "Latency per page (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--workers", defaultValue = "4", description = "Workers (default ${DEFAULT-VALUE}).")
    int workers;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ObjectMapper mapper = Json.newMapper();
        Bench.PagesResult r = Bench.pages(chains, pages, Duration.ofMillis(latencyMs), workers, spec.commandLine().getErr(), mapper);
        spec.commandLine().getErr().printf("%d chains x %d pages at %d ms: %.2f s against a bound of %.2f s (ratio %.3f), "
                + "%d records, at most %d in flight%n", r.chains(), r.pages(), r.latencyMs(), r.runSeconds(), r.boundSeconds(),
                r.ratio(), r.records(), r.peakConcurrency());
        spec.commandLine().getErr().printf("as the API saw it (first request in to last answer out): %.2f s (ratio %.3f); "
                + "fixed cost: fleet start to first request %.2f s, JVM launch to fleet start %.2f s; load average %.2f%n",
                r.apiSeconds(), r.apiRatio(), r.fleetStartSeconds(), r.jvmToFleetSeconds(), r.loadAverage());
        var feed = r.feed();
        spec.commandLine().getErr().printf("between a chain's answer out and its next page in: mean %.2f ms, p50 %.2f, p90 %.2f, "
                + "p99 %.2f, max %.2f; first pages spread over %.2f ms; a chain's span p50 %.2f ms, max %.2f ms%n",
                feed.path("gapMeanMillis").asDouble(), feed.path("gapP50Millis").asDouble(), feed.path("gapP90Millis").asDouble(),
                feed.path("gapP99Millis").asDouble(), feed.path("gapMaxMillis").asDouble(), feed.path("firstPageSpreadMillis").asDouble(),
                feed.path("chainSpanP50Millis").asDouble(), feed.path("chainSpanMaxMillis").asDouble());
        CommandOutput.printJson(spec, mapper, r);
        return r.complete() ? 0 : FetchFleetCli.EXIT_INCOMPLETE;
    }
}
