package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.dispatch.Dispatcher;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchfleet bench dispatch-kill}: kill -9 of a local run mid-dispatch, the same run id again, bronze checked. */
@Command(name = "dispatch-kill", mixinStandardHelpOptions = true,
        description = "A requestsFrom file of N requests run locally on a loopback API: the run killed (SIGKILL) while its "
                + "dispatcher sends, resumed with the same run id (killed again after some parts unless --second-kill-parts 0), "
                + "then run to the end; every request must be in bronze exactly once. Prints when each kill came, what was "
                + "sent, wall times and the check.")
final class BenchDispatchKillCommand implements Callable<Integer> {
    @Option(names = "--requests", defaultValue = "1000000", description = "Requests (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--chunk-size", defaultValue = "100", description = "The job's chunkSize (default ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--chunks-per-range", defaultValue = "" + Dispatcher.CHUNKS_PER_RANGE,
            description = "Chunks per range message (default ${DEFAULT-VALUE}).")
    int chunksPerRange;

    @Option(names = "--workers", defaultValue = "10", description = "The local runner's --workers (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--heap", defaultValue = "512m", description = "Each run's -Xmx (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--second-kill-parts", defaultValue = "0",
            description = "Kill the resumed run too once this many parts exist; 0: let it finish (default ${DEFAULT-VALUE}).")
    int secondKillParts;

    @Option(names = "--dir", description = "Where the list, job, bronze and logs go (default: a new temporary directory).")
    Path dir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ObjectMapper mapper = Json.newMapper();
        PrintWriter err = spec.commandLine().getErr();
        Path where = dir != null ? dir : Files.createTempDirectory("fetchfleet-dispatch-kill-");
        BenchDispatchKill.Outcome o = BenchDispatchKill.run(where, requests, chunkSize, chunksPerRange, workers, heap, secondKillParts,
                err, mapper);
        err.printf("%,d requests in %,d chunks (%,d range messages), load average %.2f, in %s%n", o.requests(), o.chunks(), o.ranges(),
                o.loadAverage(), where);
        err.printf("killed after %.1f s %s: %,d chunks in %,d range messages sent, %,d parts%n", o.firstKilledAfterSeconds(),
                o.firstKilledMidDispatch() ? "mid-dispatch" : "after the dispatcher finished", o.chunksSentAtFirstKill(),
                o.rangesSentAtFirstKill(), o.partsAtFirstKill());
        if (o.secondKilledAfterSeconds() > 0) {
            err.printf("resumed, killed again after %.1f s: %,d parts, %,d ranges cut%n", o.secondKilledAfterSeconds(),
                    o.partsAtSecondKill(), o.rangesCutAtSecondKill());
        }
        err.printf("last run: exit %d in %.1f s, %,d chunks sent, %,d already done; %.1f s in all, %,d API calls%n", o.lastRunExit(),
                o.lastRunSeconds(), o.lastRunChunksSent(), o.lastRunChunksAlreadyDone(), o.totalSeconds(), o.apiCalls());
        err.printf("bronze: %,d records, %,d missing, %,d twice: %s%n", o.records(), o.missing(), o.twice(),
                o.exactlyOnce() ? "every request exactly once" : "NOT exactly once");
        CommandOutput.printJson(spec, mapper, o);
        return o.exactlyOnce() ? 0 : 1;
    }
}
