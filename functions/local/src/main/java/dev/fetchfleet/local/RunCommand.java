package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.aws.BronzeStores;
import dev.fetchfleet.aws.S3TextFiles;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.job.JobDocuments;
import dev.fetchfleet.job.JobOverrides;
import dev.fetchfleet.job.JobValidationException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code fetchfleet run}: a job file through the local fleet; also runs the job of {@code demo}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a job file locally: dispatcher and workers in this process, on an embedded SQS.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB.json", description = "The job document.")
    Path job;

    @Option(names = "--bronze", required = true, description = "Bronze root: a directory, or s3://bucket/prefix.")
    String bronze;

    @Option(names = "--run-id", description = "Run id to use instead of a new one.")
    String runId;

    @Option(names = "--full-refresh", description = "Ignore the source's incremental state: start from the job's incremental.initial.")
    boolean fullRefresh;

    /** Hidden: the fan-out's path (range messages cut by workers) at a size a test or a benchmark can wait for. */
    @Option(names = "--chunks-per-range", hidden = true, defaultValue = "" + dev.fetchfleet.dispatch.Dispatcher.CHUNKS_PER_RANGE)
    int chunksPerRange;

    @CommandLine.Mixin
    FleetOptions options = new FleetOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String document;
        JobOverrides overrides;
        try {
            document = JobDocuments.readFile(job);
            overrides = new JobOverrides(runId, fullRefresh);
        } catch (JobValidationException e) {
            return CommandOutput.invalidJob(spec.commandLine().getErr(), e);
        }
        return runJob(document, overrides, bronze, options, chunksPerRange, spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /** Runs a job and prints the summary; the exit code says whether every request reached bronze. */
    static int runJob(String job, JobOverrides overrides, String bronzeRoot, FleetOptions options, PrintWriter out, PrintWriter err) {
        return runJob(job, overrides, bronzeRoot, options, dev.fetchfleet.dispatch.Dispatcher.CHUNKS_PER_RANGE, out, err);
    }

    static int runJob(String job, JobOverrides overrides, String bronzeRoot, FleetOptions options, int chunksPerRange,
                      PrintWriter out, PrintWriter err) {
        ObjectMapper mapper = Json.newMapper();
        Supplier<S3Client> s3 = options.aws.s3();
        BronzeStore store = BronzeStores.open(bronzeRoot, s3);
        LocalFleet fleet = new LocalFleet(store, S3TextFiles.s3OrLocalFile(s3), options.fleet(), err, mapper, Clock.systemUTC())
                .terminal(options.terminal()).chunksPerRange(chunksPerRange);
        if (options.resolveSecrets) {
            fleet.secrets(dev.fetchfleet.worker.ParameterSecrets.forEndpoint(options.aws.endpoint()));
        }
        RunSummary summary;
        try {
            summary = fleet.run(job, overrides);
        } catch (JobValidationException e) {
            return CommandOutput.invalidJob(err, e);
        }
        if (summary.runId() != null && options.terminal() == TerminalMode.TEXT) {
            err.printf("%d requests%s: %d succeeded, %d failed %s in %.1f s; one after another they would take %.0f s (%.0fx)%n",
                    summary.requests(), summary.records() == summary.requests() ? "" : " (" + summary.records() + " records with their pages)",
                    summary.succeeded(), summary.failed(), summary.statusCounts(), summary.wallSeconds(),
                    summary.sequentialSeconds(), summary.speedup());
        }
        if (summary.bronzeError() != null) {
            err.println("BRONZE WRITE FAILED: " + summary.bronzeError());
        } else if (!summary.complete()) {
            err.println("INCOMPLETE: " + summary.problem());
        }
        // A completed run whose failures held the source's state says so here too, not only in status.
        dev.fetchfleet.bronze.BronzeWriter bronze = new dev.fetchfleet.bronze.BronzeWriter(store, mapper);
        bronze.findRun(summary.source(), summary.runId()).flatMap(new dev.fetchfleet.run.RunFiles(store, mapper)::readSuccess)
                .map(dev.fetchfleet.run.Success::state)
                .filter(move -> !move.advanced() && options.terminal() == TerminalMode.TEXT)
                .ifPresent(move -> err.println("source state " + move.reason()));
        err.flush();
        try {
            out.println(mapper.writeValueAsString(summary));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
        return summary.bronzeError() != null ? FetchFleetCli.EXIT_BRONZE_WRITE : summary.complete() ? 0 : FetchFleetCli.EXIT_INCOMPLETE;
    }
}
