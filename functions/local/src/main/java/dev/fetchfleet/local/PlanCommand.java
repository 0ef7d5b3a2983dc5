package dev.fetchfleet.local;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.aws.S3TextFiles;
import dev.fetchfleet.job.JobDocuments;
import dev.fetchfleet.job.JobValidationException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fetchfleet plan}: a run predicted before anything is sent. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Predict a run before sending anything: requests, chunks, SQS and S3 calls, wall time and AWS cost, "
                + "beside a thread-pool machine and a Step Functions Distributed Map.")
final class PlanCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB.json", description = "The job document.")
    Path job;

    @Option(names = "--latency", description = "The API's latency per call, e.g. 800ms, 1s, 2m (default: the job's plan.latencyMillis, else 1s).")
    String latency;

    @Option(names = "--worker-concurrency", defaultValue = "10", description = "Workers at once (the deployed WorkerMaxConcurrency; default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--memory-mb", defaultValue = "1769", description = "Worker memory (default ${DEFAULT-VALUE}).")
    int memoryMb;

    @Option(names = "--pages-per-request", description = "Calls per request of a paginated API, your guess (default: the job's plan.pagesPerRequest, else 1).")
    Double pagesPerRequest;

    @Option(names = "--items-per-page", description = "For a job with children: items on each parent page, your guess "
            + "(default: the job's plan.itemsPerPage, else 1).")
    Double itemsPerPage;

    @CommandLine.Mixin
    FleetOptions options = new FleetOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ObjectMapper mapper = Json.newMapper();
        PrintWriter err = spec.commandLine().getErr();
        dev.fetchfleet.plan.RunEstimate estimate;
        List<dev.fetchfleet.plan.ChildPlan.Level> levels = List.of();
        double bound = 0;
        try {
            dev.fetchfleet.job.Job parsed = new dev.fetchfleet.job.JobParser(mapper).parse(JobDocuments.readFile(job));
            var requests = new dev.fetchfleet.job.RequestListExpander(mapper, S3TextFiles.s3OrLocalFile(options.aws.s3())).scan(parsed);
            Duration assumed = latency != null ? parseDuration(latency) : Duration.ofMillis(parsed.plan().latencyMillis());
            double pages = pagesPerRequest != null ? pagesPerRequest : parsed.plan().pagesPerRequest();
            // The dispatcher's own layout: the same chunks, lanes and shares of the API's caps.
            var layout = dev.fetchfleet.plan.FleetLayout.plan(requests, parsed.statedChunkSize(), parsed.fetch(), workers, assumed, pages);
            estimate = new dev.fetchfleet.plan.RunPlanner(dev.fetchfleet.plan.Prices.load(mapper)).estimate(requests,
                    layout, parsed.fetch(), assumed, memoryMb, pages);
            dev.fetchfleet.dispatch.FleetCaps.notes(parsed, requests, layout, workers).forEach(note -> err.println("note: " + note));
            if (!parsed.children().isEmpty()) {
                double items = itemsPerPage != null ? itemsPerPage : parsed.plan().itemsPerPage() > 0 ? parsed.plan().itemsPerPage() : 1;
                levels = dev.fetchfleet.plan.ChildPlan.levels(parsed, requests.count(), pages, items);
                bound = dev.fetchfleet.plan.ChildPlan.boundSeconds(levels, parsed.fetch(), assumed);
                err.printf("children, at %s items a parent page:%n", items);
                levels.forEach(level -> err.printf("  level %s%s: %,d requests, %,d records, %,d chunks%n", level.source(),
                        level.parentSource() == null ? "" : " (from " + level.parentSource() + ")", level.requests(), level.records(),
                        level.chunks()));
                err.printf("every level's calls under the API's caps: at least %s (the figures below are the job's own level)%n", human(bound));
            }
        } catch (JobValidationException e) {
            return CommandOutput.invalidJob(err, e);
        }
        err.printf("%,d requests in %,d chunks; %,d SQS messages (%,d SQS requests), %,d S3 PUTs, %,d S3 GETs (and HEADs), %,d S3 LISTs%n",
                estimate.requests(), estimate.chunks(), estimate.sqsMessages(), estimate.sqsRequests(), estimate.s3Puts(), estimate.s3Gets(),
                estimate.s3Lists());
        err.printf("dispatch: about %s to queue every chunk (%s)%n", human(estimate.dispatchSeconds()),
                estimate.chunks() > dev.fetchfleet.plan.ChunkMessages.CHUNKS_PER_RANGE
                        ? String.format(java.util.Locale.ROOT, "one reading of the list, %,d range messages that the workers cut into chunk messages",
                        (estimate.chunks() + dev.fetchfleet.plan.ChunkMessages.CHUNKS_PER_RANGE - 1) / dev.fetchfleet.plan.ChunkMessages.CHUNKS_PER_RANGE)
                        : "one reading of the list, then the chunk messages");
        err.printf("FetchFleet (%d chunks at once, %d MB, %d ms a call): about %s, $%.4f (%.1f Lambda GB-s; $%.3f per million requests)%n",
                estimate.workerConcurrency(), estimate.workerMemoryMb(), estimate.assumedLatencyMs(), human(estimate.expectedWallSeconds()),
                estimate.costUsd(), estimate.lambdaGbSeconds(), estimate.requests() == 0 ? 0 : estimate.costUsd() / estimate.requests() * 1e6);
        estimate.alternatives().forEach((name, alt) -> err.printf("%-31s about %s, $%.4f (%s)%n", name.replace('_', ' ') + ":",
                human(alt.wallSeconds()), alt.costUsd(), alt.assumes()));
        err.println("prices: AWS list prices of " + estimate.pricesAsOf());
        if (levels.isEmpty()) {
            CommandOutput.printJson(spec, mapper, estimate);
        } else {
            var out = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.valueToTree(estimate);
            out.set("levels", mapper.valueToTree(levels));
            out.put("levels_bound_seconds", Math.round(bound * 10) / 10.0);
            CommandOutput.printJson(spec, mapper, out);
        }
        return 0;
    }

    static Duration parseDuration(String text) {
        var m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?").matcher(text.strip());
        if (!m.matches()) {
            throw new CommandLine.ParameterException(new CommandLine(new PlanCommand()), "--latency: " + text + " is not like 800ms, 1s or 2m");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> value;
            case "m" -> value * 60_000;
            case "h" -> value * 3_600_000;
            default -> value * 1000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    private static String human(double seconds) {
        if (seconds < 120) {
            return String.format(java.util.Locale.ROOT, "%.1f s", seconds);
        }
        if (seconds < 7200) {
            return String.format(java.util.Locale.ROOT, "%.1f min", seconds / 60);
        }
        return String.format(java.util.Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
