package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fetchfleet.Json;
import dev.fetchfleet.aws.AwsClients;
import dev.fetchfleet.aws.BronzeStores;
import dev.fetchfleet.aws.S3TextFiles;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.job.JobDocuments;
import dev.fetchfleet.job.JobValidationException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code fetchfleet}: run jobs locally, through the same handlers the Lambdas run. */
@Command(name = "fetchfleet", mixinStandardHelpOptions = true, version = "fetchfleet 0.1.0",
        description = "Fan slow HTTP API calls out to a fleet of workers and land every response in bronze.",
        subcommands = {FetchFleetCli.Run.class, FetchFleetCli.Demo.class, FetchFleetCli.DemoApiCommand.class, FetchFleetCli.BenchCommands.class,
                FetchFleetCli.StatusCommand.class, FetchFleetCli.RedriveCommand.class, FetchFleetCli.PlanCommand.class})
public final class FetchFleetCli {

    static final int EXIT_INVALID_JOB = 1;
    static final int EXIT_INCOMPLETE = 3;
    /** Bronze could not be written (a full disk, a read-only directory): not the job's fault, nor the API's. */
    static final int EXIT_BRONZE_WRITE = 4;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return new CommandLine(new FetchFleetCli()).execute(args);
    }

    /** Options shared by run and demo: how the local fleet is shaped. */
    static class FleetOptions {
        @Option(names = "--workers", defaultValue = "10", description = "Concurrent worker instances (default ${DEFAULT-VALUE}).")
        int workers;

        @Option(names = "--worker-timeout", defaultValue = "900", description = "Worker timeout in seconds, as the Lambda's (default ${DEFAULT-VALUE}).")
        int workerTimeoutSeconds;

        @Option(names = "--max-receive-count", defaultValue = "5", description = "Deliveries of a chunk before it goes to the DLQ (default ${DEFAULT-VALUE}).")
        int maxReceiveCount;

        @Option(names = "--timeout", defaultValue = "3600", description = "Give up on the run after this many seconds (default ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Option(names = "--endpoint-url", description = "S3 endpoint for an s3:// bronze root or requestsFrom (a local S3 server, say).")
        URI endpoint;

        @Option(names = "--resolve-secrets", description = "Resolve {{ssm:…}} / {{secretsmanager:…}} header references through AWS "
                + "(or --endpoint-url); off by default, when a reference fails its chunk.")
        boolean resolveSecrets;

        LocalFleet.Options fleet() {
            return new LocalFleet.Options(workers, Duration.ofSeconds(workerTimeoutSeconds), maxReceiveCount, Duration.ofSeconds(timeoutSeconds));
        }

        Supplier<S3Client> s3() {
            URI endpoint = this.endpoint != null ? this.endpoint : AwsClients.endpointFromEnvironment();
            return new Supplier<>() {
                private S3Client client;

                @Override
                public synchronized S3Client get() {
                    if (client == null) {
                        client = AwsClients.s3(endpoint);
                    }
                    return client;
                }
            };
        }
    }

    /** Runs a job and prints the summary; the exit code says whether every request reached bronze. */
    static int runJob(String job, String bronzeRoot, FleetOptions options, PrintWriter out, PrintWriter err) {
        ObjectMapper mapper = Json.newMapper();
        Supplier<S3Client> s3 = options.s3();
        BronzeStore store = BronzeStores.open(bronzeRoot, s3);
        LocalFleet fleet = new LocalFleet(store, S3TextFiles.s3OrLocalFile(s3), options.fleet(), err, mapper, Clock.systemUTC());
        if (options.resolveSecrets) {
            fleet.secrets(dev.fetchfleet.worker.ParameterSecrets.forEndpoint(
                    options.endpoint != null ? options.endpoint : AwsClients.endpointFromEnvironment()));
        }
        RunSummary summary;
        try {
            summary = fleet.run(job);
        } catch (JobValidationException e) {
            return invalidJob(err, e);
        }
        if (summary.runId() != null) {
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
                .filter(move -> !move.advanced())
                .ifPresent(move -> err.println("source state " + move.reason()));
        err.flush();
        try {
            out.println(mapper.writeValueAsString(summary));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
        return summary.bronzeError() != null ? EXIT_BRONZE_WRITE : summary.complete() ? 0 : EXIT_INCOMPLETE;
    }

    /** One line per problem, and exit 1: the job is refused before anything is sent. */
    static int invalidJob(PrintWriter err, JobValidationException e) {
        err.println(e.getMessage());
        err.println("nothing was sent.");
        err.flush();
        return EXIT_INVALID_JOB;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run a job file locally: dispatcher and workers in this process, on an embedded SQS.")
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "JOB.json", description = "The job document.")
        Path job;

        @Option(names = "--bronze", required = true, description = "Bronze root: a directory, or s3://bucket/prefix.")
        String bronze;

        @Option(names = "--run-id", description = "Run id to use instead of a new one.")
        String runId;

        @Option(names = "--full-refresh", description = "Ignore the source's incremental state: start from the job's incremental.initial.")
        boolean fullRefresh;

        @CommandLine.Mixin
        FleetOptions options = new FleetOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            String document;
            try {
                document = JobDocuments.readFile(job);
                if (runId != null || fullRefresh) {
                    ObjectNode node = (ObjectNode) JobDocuments.read(document);
                    if (runId != null) {
                        node.put("runId", runId);
                    }
                    if (fullRefresh && node.get("incremental") instanceof ObjectNode incremental) {
                        incremental.put("fullRefresh", true);
                    }
                    document = Json.newMapper().writeValueAsString(node);
                }
            } catch (JobValidationException e) {
                return invalidJob(spec.commandLine().getErr(), e);
            }
            return runJob(document, bronze, options, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Start a slow demo API on loopback and run a generated job against it.")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--requests", defaultValue = "1000", description = "Requests in the job (default ${DEFAULT-VALUE}).")
        int requests;

        @Option(names = "--latency-ms", defaultValue = "1000", description = "The API's latency per call (default ${DEFAULT-VALUE}).")
        long latencyMs;

        @Option(names = "--failure-rate", defaultValue = "0.05", description = "Share of ids whose first call fails with 429/500/503 (default ${DEFAULT-VALUE}).")
        double failureRate;

        @Option(names = "--chunk-size", defaultValue = "100", description = "Requests per chunk (default ${DEFAULT-VALUE}).")
        int chunkSize;

        @Option(names = "--bronze", defaultValue = "bronze", description = "Bronze root (default ${DEFAULT-VALUE}).")
        String bronze;

        @CommandLine.Mixin
        FleetOptions options = new FleetOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(latencyMs), failureRate, 42))) {
                err.printf("demo API at %s: %d ms a call, %.0f%% of ids fail their first call%n",
                        api.baseUrl(), latencyMs, failureRate * 100);
                String job = """
                        {"source": "demo",
                         "template": {"url": "%s/items/{id}", "values": {"id": {"from": 1, "to": %d}}},
                         "chunkSize": %d,
                         "fetch": {"maxInFlight": 256, "perHost": {"maxConcurrency": 1000, "requestsPerSecond": 2000},
                                   "timeoutSeconds": 30, "retry": {"maxAttempts": 5, "baseDelayMillis": 200, "maxDelayMillis": 5000}}}
                        """.formatted(api.baseUrl(), requests, chunkSize);
                return runJob(job, bronze, options, spec.commandLine().getOut(), err);
            }
        }
    }

    @Command(name = "demo-api", mixinStandardHelpOptions = true,
            description = "Serve the demo API on loopback until stopped, to try job files against (events/demo-job.json).")
    static final class DemoApiCommand implements Callable<Integer> {
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

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Benchmarks: 'caps' measures a local run beside the bound its caps set; 'compare' runs the same "
                    + "request lists through one-after-another, platform thread pools and FetchFleet side by side.",
            subcommands = {BenchCommand.class, CompareCommand.class, PagesCommand.class, PlannerBenchCommand.class, CellCommand.class})
    static final class BenchCommands implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getErr());
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Side-by-side: 1 to 10,000 requests through four fetchers; writes benchmarks.md and benchmarks.png.")
    static final class CompareCommand implements Callable<Integer> {
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

    @Command(name = "pages", mixinStandardHelpOptions = true,
            description = "The paginated case: chains of pages, one page after another, chains side by side; bound latency x pages.")
    static final class PagesCommand implements Callable<Integer> {
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
            printJson(spec, mapper, r);
            return r.complete() ? 0 : EXIT_INCOMPLETE;
        }
    }

    @Command(name = "planner", mixinStandardHelpOptions = true,
            description = "The planner's wall-time prediction beside measured local runs (concurrency-, rate- and wave-bound jobs); "
                    + "exit 0 when every prediction is within --tolerance of its run, 3 when not.")
    static final class PlannerBenchCommand implements Callable<Integer> {
        @Option(names = "--tolerance", defaultValue = "0.20", description = "Largest error allowed, as a fraction of the measured time (default ${DEFAULT-VALUE}).")
        double tolerance;

        @Option(names = "--scenario", split = ",", description = "Only these scenarios (default: all of concurrency-bound, rate-bound, wave-bound).")
        List<String> only;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ObjectMapper mapper = Json.newMapper();
            PrintWriter err = spec.commandLine().getErr();
            List<BenchPlanner.Result> results = new java.util.ArrayList<>();
            boolean within = true;
            for (BenchPlanner.Scenario scenario : BenchPlanner.SCENARIOS) {
                if (only != null && !only.contains(scenario.name())) {
                    continue;
                }
                BenchPlanner.Result r = BenchPlanner.measure(scenario, mapper);
                err.printf("planner, %s: predicted %.2f s, measured %.2f s, off by %.0f%%%s%n", scenario.name(),
                        r.predictedSeconds(), r.measuredSeconds(), r.error() * 100, r.complete() ? "" : " (run INCOMPLETE)");
                err.flush();
                results.add(r);
                within &= r.complete() && r.error() <= tolerance;
            }
            printJson(spec, mapper, results);
            return within ? 0 : EXIT_INCOMPLETE;
        }
    }

    @Command(name = "cell", hidden = true, description = "One benchmark cell, in its own JVM (used by compare).")
    static final class CellCommand implements Callable<Integer> {
        @Option(names = "--kind", required = true)
        BenchCell.Kind kind;

        @Option(names = "--threads", defaultValue = "1")
        int threads;

        @Option(names = "--requests", required = true)
        int requests;

        @Option(names = "--api", required = true)
        URI api;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ObjectMapper mapper = Json.newMapper();
            printJson(spec, mapper, BenchCell.run(kind, threads, requests, api, mapper));
            return 0;
        }
    }

    @Command(name = "caps", mixinStandardHelpOptions = true,
            description = "Measure a local run against the demo API beside the bound its caps set; prints figures as JSON.")
    static final class BenchCommand implements Callable<Integer> {
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

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ObjectMapper mapper = Json.newMapper();
            PrintWriter err = spec.commandLine().getErr();
            Bench.Result result = Bench.run(new Bench.Settings(requests, Duration.ofMillis(latencyMs), concurrency, rate, workers), err, mapper);
            err.printf("%d requests at %d ms, cap %d in flight / %.0f per s over %d workers: %.2f s against a bound of %.2f s "
                            + "(ratio %.3f); the API saw at most %d in flight and %d starts in one second; heap peak %.1f MiB, "
                            + "%.1f KiB live per request in flight; RSS peak %.1f MiB%n",
                    result.requests(), result.latencyMs(), result.concurrencyCap(), result.rateCap(), result.workers(),
                    result.runSeconds(), result.boundSeconds(), result.ratio(), result.peakConcurrency(), result.peakRate(),
                    result.heapPeakMib(), result.heapPerInFlightKib(), result.rssPeakMib());
            printJson(spec, mapper, result);
            return result.complete() ? 0 : EXIT_INCOMPLETE;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Where a run stands: parts written of expected, requests by status, checkpoints, DLQ depth. "
                    + "Exit 0 when complete, 3 when not, 1 when no such run.")
    static final class StatusCommand implements Callable<Integer> {
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
            BronzeStore store = BronzeStores.open(bronze, options.s3());
            Integer deadLetters = null;
            if (dlqUrl != null) {
                URI endpoint = options.endpoint != null ? options.endpoint : AwsClients.endpointFromEnvironment();
                try (var sqs = AwsClients.sqs(endpoint)) {
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
                return EXIT_INVALID_JOB;
            }
            RunStatus s = status.get();
            err.printf("run %s (%s, %s): %s; parts %d/%d, %d of %d requests in bronze %s, %d checkpoints pending%s%n",
                    s.runId(), s.source(), s.ingestDate(), s.complete() ? "complete" : "NOT complete", s.partsWritten(),
                    s.partsExpected(), s.records(), s.requestsExpected(), s.statusCounts(), s.checkpointsPending(),
                    s.deadLetters() == null ? "" : ", " + s.deadLetters() + " chunks in the DLQ");
            if (s.stateMove() != null) {
                err.printf("%d failed requests; source state %s%n", s.failedRequests(),
                        s.stateMove().advanced() ? "moved (" + s.stateMove().reason() + ")" : s.stateMove().reason());
            }
            if (s.estimatedWallSeconds() != null) {
                err.printf("planned %.1f s at dispatch%s%n", s.estimatedWallSeconds(),
                        s.actualWallSeconds() == null ? "" : String.format(java.util.Locale.ROOT, "; took %.1f s", s.actualWallSeconds()));
            }
            printJson(spec, mapper, s);
            return s.complete() ? 0 : EXIT_INCOMPLETE;
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = "Move dead-lettered chunks back to the chunk queue (SQS StartMessageMoveTask where offered, "
                    + "receive-and-send otherwise).")
    static final class RedriveCommand implements Callable<Integer> {
        @Option(names = "--dlq-url", required = true, description = "The dead-letter queue's URL.")
        String dlqUrl;

        @Option(names = "--queue-url", required = true, description = "The chunk queue's URL.")
        String queueUrl;

        @Option(names = "--endpoint-url", description = "SQS endpoint (a local server, say).")
        URI endpoint;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            URI sqsEndpoint = endpoint != null ? endpoint : AwsClients.endpointFromEnvironment();
            try (var sqs = AwsClients.sqs(sqsEndpoint)) {
                dev.fetchfleet.aws.Redrive.Result result = new dev.fetchfleet.aws.Redrive(sqs).run(dlqUrl, queueUrl);
                spec.commandLine().getOut().println(result.moveTask()
                        ? "started an SQS message move task for about " + result.messages() + " messages"
                        : "moved " + result.messages() + " messages back to the chunk queue");
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "Predict a run before sending anything: requests, chunks, SQS and S3 calls, wall time and AWS cost, "
                    + "beside a thread-pool machine and a Step Functions Distributed Map.")
    static final class PlanCommand implements Callable<Integer> {
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

        @CommandLine.Mixin
        FleetOptions options = new FleetOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            ObjectMapper mapper = Json.newMapper();
            PrintWriter err = spec.commandLine().getErr();
            dev.fetchfleet.plan.RunEstimate estimate;
            try {
                dev.fetchfleet.job.Job parsed = new dev.fetchfleet.job.JobParser(mapper).parse(JobDocuments.readFile(job));
                var requests = new dev.fetchfleet.job.RequestListExpander(mapper, S3TextFiles.s3OrLocalFile(options.s3())).expand(parsed);
                Duration assumed = latency != null ? parseDuration(latency) : Duration.ofMillis(parsed.plan().latencyMillis());
                double pages = pagesPerRequest != null ? pagesPerRequest : parsed.plan().pagesPerRequest();
                // The dispatcher's own layout: the same chunks, lanes and shares of the API's caps.
                var layout = dev.fetchfleet.plan.FleetLayout.plan(requests, parsed.chunkSize(), parsed.fetch(), workers, assumed, pages);
                estimate = new dev.fetchfleet.plan.RunPlanner(dev.fetchfleet.plan.Prices.load(mapper)).estimate(requests,
                        layout, parsed.fetch(), assumed, memoryMb, pages);
                dev.fetchfleet.dispatch.FleetCaps.notes(parsed, requests, layout, workers).forEach(note -> err.println("note: " + note));
            } catch (JobValidationException e) {
                return invalidJob(err, e);
            }
            err.printf("%,d requests in %,d chunks; %,d SQS messages (%,d SQS requests), %,d S3 PUTs, %,d S3 GETs%n",
                    estimate.requests(), estimate.chunks(), estimate.sqsMessages(), estimate.sqsRequests(), estimate.s3Puts(), estimate.s3Gets());
            err.printf("FetchFleet (%d chunks at once, %d MB, %d ms a call): about %s, $%.4f (%.1f Lambda GB-s)%n", estimate.workerConcurrency(),
                    estimate.workerMemoryMb(), estimate.assumedLatencyMs(), human(estimate.expectedWallSeconds()), estimate.costUsd(),
                    estimate.lambdaGbSeconds());
            estimate.alternatives().forEach((name, alt) -> err.printf("%-31s about %s, $%.4f (%s)%n", name.replace('_', ' ') + ":",
                    human(alt.wallSeconds()), alt.costUsd(), alt.assumes()));
            err.println("prices: AWS list prices of " + estimate.pricesAsOf());
            printJson(spec, mapper, estimate);
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

    /** The command's result as the last line on stdout, one line of JSON, after its human lines on stderr. */
    private static void printJson(CommandLine.Model.CommandSpec spec, ObjectMapper mapper, Object value) throws IOException {
        spec.commandLine().getErr().flush();
        spec.commandLine().getOut().println(mapper.writeValueAsString(value));
        spec.commandLine().getOut().flush();
    }
}
