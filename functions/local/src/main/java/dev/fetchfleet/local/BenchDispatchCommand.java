package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.dispatch.Dispatcher;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchfleet bench dispatch}: how long a list of N requests takes to queue, and in what heap. */
@Command(name = "dispatch", mixinStandardHelpOptions = true,
        description = "Dispatch N requests (a JSON Lines object on moto's S3, or a template) in a JVM with the dispatcher's "
                + "heap, to ElasticMQ; then expand its range messages as workers would. Prints time, messages/s and peak heap.")
final class BenchDispatchCommand implements Callable<Integer> {
    @Option(names = "--requests", defaultValue = "1000000", description = "Requests (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--kind", defaultValue = "file", description = "file (requestsFrom on S3) or template (default ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--chunk-size", defaultValue = "100", description = "The job's chunkSize (default ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--chunks-per-range", defaultValue = "" + Dispatcher.CHUNKS_PER_RANGE,
            description = "Chunks per range message, above which ranges are sent (default ${DEFAULT-VALUE}).")
    int chunksPerRange;

    @Option(names = "--expand-workers", defaultValue = "10", description = "Threads expanding ranges, as workers; 0: measure the dispatcher alone (default ${DEFAULT-VALUE}).")
    int expandWorkers;

    @Option(names = "--expand-ranges", defaultValue = "0",
            description = "Range messages to expand, a sample of the rate at 10M; 0: all (default ${DEFAULT-VALUE}).")
    int expandRanges;

    @Option(names = "--s3-endpoint", description = "An S3 endpoint that takes any key (moto_server on loopback) instead of "
            + "starting moto_server from PATH.")
    java.net.URI s3Endpoint;

    @Option(names = "--heap", defaultValue = "256m", description = "The dispatcher JVM's -Xmx (default ${DEFAULT-VALUE}).")
    String heap;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ObjectMapper mapper = Json.newMapper();
        PrintWriter err = spec.commandLine().getErr();
        BenchDispatch.Figures f = BenchDispatch.run(kind, requests, chunkSize, chunksPerRange, expandWorkers, expandRanges,
                heap, s3Endpoint, err, mapper);
        err.printf("%,d requests (%s), %,d chunks, heap -Xmx%s (%d MiB), load average %.2f%n", f.requests(), f.kind(), f.chunks(),
                heap, f.maxHeapMb(), f.loadAverage());
        err.printf("dispatcher: %.2f s, %,d messages (%.0f/s), peak heap %d MiB%n", f.dispatchSeconds(), f.dispatchMessages(),
                f.dispatchMessagesPerSecond(), f.dispatchPeakHeapMb());
        err.printf("range expansion (%d workers, %,d ranges): %.2f s, %,d chunk messages (%.0f/s), peak heap %d MiB%n",
                f.expandWorkers(), f.rangesExpanded(), f.expandSeconds(), f.chunkMessages(), f.chunkMessagesPerSecond(),
                f.expandPeakHeapMb());
        if (f.rangesExpanded() > 0 && f.rangesExpanded() < f.dispatchMessages()) {
            err.printf("a sample of %,d of %,d ranges: every chunk queued after about %.0f s at this rate%n", f.rangesExpanded(),
                    f.dispatchMessages(), f.dispatchSeconds() + f.expandSeconds() * f.dispatchMessages() / f.rangesExpanded());
        } else {
            err.printf("every chunk queued after %.2f s%n", f.queuedSeconds());
        }
        CommandOutput.printJson(spec, mapper, f);
        return 0;
    }

    /** The child JVM's side. */
    @Command(name = "dispatch-cell", hidden = true, description = "One dispatch benchmark, in its own JVM (used by dispatch).")
    static final class Cell implements Callable<Integer> {
        @Option(names = "--kind", required = true) String kind;
        @Option(names = "--s3", required = true) java.net.URI s3;
        @Option(names = "--sqs", required = true) java.net.URI sqs;
        @Option(names = "--bucket", required = true) String bucket;
        @Option(names = "--range-queue", required = true) String rangeQueue;
        @Option(names = "--chunk-queue", required = true) String chunkQueue;
        @Option(names = "--job", required = true) java.nio.file.Path job;
        @Option(names = "--chunks-per-range", required = true) int chunksPerRange;
        @Option(names = "--expand-workers", required = true) int expandWorkers;
        @Option(names = "--expand-ranges", required = true) int expandRanges;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ObjectMapper mapper = Json.newMapper();
            CommandOutput.printJson(spec, mapper, BenchDispatch.cell(kind, s3, sqs, bucket, rangeQueue, chunkQueue, job,
                    chunksPerRange, expandWorkers, expandRanges, mapper));
            return 0;
        }
    }
}
