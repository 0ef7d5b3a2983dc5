package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.aws.BronzeStores;
import dev.fetchfleet.bronze.BronzeStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchfleet status}: where a run stands. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Where a run stands: parts written of expected, requests by status, checkpoints, DLQ depth. "
                + "Exit 0 when complete, 3 when not, 1 when no such run.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--bronze", required = true, description = "Bronze root: a directory, or s3://bucket/prefix.")
    String bronze;

    @Option(names = "--run-id", required = true, description = "The run id.")
    String runId;

    @Option(names = "--source", description = "The job's source (found from the run id when left out).")
    String source;

    @Option(names = "--dlq-url", description = "The chunk dead-letter queue's URL, to report its depth.")
    String dlqUrl;

    @CommandLine.Mixin
    FleetOptions options = new FleetOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ObjectMapper mapper = Json.newMapper();
        BronzeStore store = BronzeStores.open(bronze, options.aws.s3());
        Integer deadLetters = null;
        if (dlqUrl != null) {
            try (var sqs = options.aws.sqs()) {
                deadLetters = Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(
                        software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                        .attributes().get(software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        var status = RunStatus.read(new dev.fetchfleet.bronze.BronzeWriter(store, mapper), store, source, runId, deadLetters);
        if (status.isEmpty()) {
            err.println("no run " + runId + " under " + bronze + (source == null ? "" : " for source " + source));
            err.flush();
            return FetchFleetCli.EXIT_INVALID_JOB;
        }
        RunStatus s = status.get();
        err.printf("run %s (%s, %s): %s; parts %d/%d, %d of %d requests in bronze %s, %d checkpoints pending%s%n",
                s.runId(), s.source(), s.ingestDate(), s.complete() ? "complete" : "NOT complete", s.partsWritten(),
                s.partsExpected(), s.records(), s.requestsExpected(), s.statusCounts(), s.checkpointsPending(),
                s.deadLetters() == null ? "" : ", " + s.deadLetters() + " chunks in the DLQ");
        for (RunStatus.Level level : s.levels()) {
            err.printf("  level %s%s: %s; parts %d/%s, %d records %s%n", level.source(),
                    level.parentSource() == null ? "" : " (from " + level.parentSource() + ")", level.complete() ? "complete" : "NOT complete",
                    level.partsWritten(), level.partsExpected() == null ? "? (its parent level is not complete)" : level.partsExpected(),
                    level.records(), level.statusCounts());
        }
        if (s.dispatch() != null) {
            var d = s.dispatch();
            err.printf("dispatch %s: %,d of %,d chunks sent%s%n", d.finished() ? "finished" : "in progress (or stopped; dispatch the same run id again)",
                    d.chunksSent(), d.chunks(), d.rangesSent() == 0 ? ""
                            : String.format(java.util.Locale.ROOT, " in %,d range messages, %,d cut into chunks by workers so far",
                            d.rangesSent(), s.rangesExpanded()));
        }
        if (s.stateMove() != null) {
            err.printf("%d failed requests; source state %s%n", s.failedRequests(),
                    s.stateMove().advanced() ? "moved (" + s.stateMove().reason() + ")" : s.stateMove().reason());
        }
        if (s.estimatedWallSeconds() != null) {
            err.printf("planned %.1f s at dispatch%s%n", s.estimatedWallSeconds(),
                    s.actualWallSeconds() == null ? "" : String.format(java.util.Locale.ROOT, "; took %.1f s", s.actualWallSeconds()));
        }
        CommandOutput.printJson(spec, mapper, s);
        return s.complete() ? 0 : FetchFleetCli.EXIT_INCOMPLETE;
    }
}
