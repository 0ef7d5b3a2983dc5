package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchfleet bench caps}: a local run beside the bound its caps set. */
@Command(name = "caps", mixinStandardHelpOptions = true,
        description = "Measure a local run against the demo API beside the bound its caps set; prints figures as JSON.")
final class BenchCapsCommand implements Callable<Integer> {
    @Option(names = "--requests", defaultValue = "2000", description = "Requests (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--latency-ms", defaultValue = "500", description = "The API's latency per call (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "100", description = "Fleet-wide cap on requests in flight to the API (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--rate", defaultValue = "100000", description = "Fleet-wide cap on requests per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--workers", defaultValue = "4", description = "Worker instances; the dispatcher shares the caps among them (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--chunk-size", description = "The job's chunkSize (default: none, so the dispatcher chooses the layout).")
    Integer chunkSize;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ObjectMapper mapper = Json.newMapper();
        PrintWriter err = spec.commandLine().getErr();
        Bench.Result result = Bench.run(new Bench.Settings(requests, Duration.ofMillis(latencyMs), concurrency, rate, workers, chunkSize), err, mapper);
        err.printf("%d requests at %d ms, cap %d in flight / %.0f per s over %d workers: the API saw %.2f s against a bound "
                        + "of %.2f s (ratio %.3f), %.2f s from dispatch to done; the API saw at most %d in flight and %d starts in one second; heap peak %.1f MiB, "
                        + "%.1f KiB live per request in flight; RSS peak %.1f MiB%n",
                result.requests(), result.latencyMs(), result.concurrencyCap(), result.rateCap(), result.workers(),
                result.apiSeconds(), result.boundSeconds(), result.ratio(), result.runSeconds(), result.peakConcurrency(), result.peakRate(),
                result.heapPeakMib(), result.heapPerInFlightKib(), result.rssPeakMib());
        CommandOutput.printJson(spec, mapper, result);
        return result.complete() ? 0 : FetchFleetCli.EXIT_INCOMPLETE;
    }
}
