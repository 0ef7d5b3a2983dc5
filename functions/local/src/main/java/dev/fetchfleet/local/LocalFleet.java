package dev.fetchfleet.local;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Ticker;
import dev.fetchfleet.aws.SqsBatchSender;
import dev.fetchfleet.aws.ContinuationQueue;
import dev.fetchfleet.aws.DeadLetterQueue;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriteException;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.run.LevelCompletion;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.run.PartTally;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.dispatch.Dispatcher;
import dev.fetchfleet.dispatch.RangeExpander;
import dev.fetchfleet.job.RequestListExpander;
import dev.fetchfleet.plan.ChunkMessages;
import dev.fetchfleet.dispatcher.DispatcherHandler;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.fetch.SecretReferences;
import dev.fetchfleet.job.JobDocuments;
import dev.fetchfleet.job.JobOverrides;
import dev.fetchfleet.job.TextFiles;
import dev.fetchfleet.work.ChunkResult;
import dev.fetchfleet.work.ChunkWorker;
import dev.fetchfleet.work.FetchWarmUp;
import dev.fetchfleet.worker.WorkerHandler;
import dev.fetchfleet.worker.WorkerMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Plays the deployed fleet in one process: the dispatcher handler sends the job's chunks to an embedded
 * SQS, and a pool of pollers does what Lambda's SQS event source does (receive, invoke the worker
 * handler with a real SQSEvent, delete what succeeded, leave failures for redelivery, DLQ after
 * maxReceiveCount). Each poller has its own worker handler, as each Lambda instance would.
 */
public final class LocalFleet {

    /** How the local fleet is shaped: pollers stand for concurrent worker instances. */
    public record Options(int workers, Duration workerTimeout, int maxReceiveCount, Duration runTimeout) {
        public static Options defaults() {
            return new Options(10, Duration.ofMinutes(15), 5, Duration.ofHours(1));
        }
    }

    private final BronzeWriteWatch store;
    private final TextFiles files;
    private final Options options;
    private final PrintWriter progress;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Ticker ticker;
    private Runnable beforeDispatch = () -> {};
    private int chunksPerRange = Dispatcher.CHUNKS_PER_RANGE;
    private TerminalMode terminal = TerminalMode.TEXT;
    private SecretReferences.Store secrets = SecretReferences.NONE;

    /** Where header secret references are resolved; none by default, so a local run never calls AWS unasked. */
    public LocalFleet secrets(SecretReferences.Store store) {
        this.secrets = store;
        return this;
    }

    /** How progress is printed: lines (the default), nothing, or JSON objects one per line. */
    LocalFleet terminal(TerminalMode mode) {
        this.terminal = mode;
        return this;
    }

    /** Chunks per range message, above which the dispatcher sends ranges for the workers to cut (a fan-out at a small size). */
    LocalFleet chunksPerRange(int chunks) {
        this.chunksPerRange = chunks;
        return this;
    }

    /** Runs once the embedded SQS is up, just before the job is dispatched (a benchmark's baseline). */
    public LocalFleet beforeDispatch(Runnable action) {
        this.beforeDispatch = action;
        return this;
    }

    public LocalFleet(BronzeStore store, TextFiles files, Options options, PrintWriter progress, ObjectMapper mapper, Clock clock) {
        this(store, files, options, progress, mapper, clock, Ticker.SYSTEM);
    }

    /** {@code ticker}: what the run's wall time and the run timeout are measured with. */
    public LocalFleet(BronzeStore store, TextFiles files, Options options, PrintWriter progress, ObjectMapper mapper, Clock clock,
                      Ticker ticker) {
        this.ticker = ticker;
        this.store = new BronzeWriteWatch(store);
        this.files = files;
        this.options = options;
        this.progress = progress;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** Runs a job to the end (or to the run timeout); the job's problems come back as JobValidationException. */
    public RunSummary run(String jobDocument) {
        return run(jobDocument, JobOverrides.NONE);
    }

    /** As {@link #run(String)}, the dispatcher changing the typed job by {@code overrides} (--run-id, --full-refresh). */
    public RunSummary run(String jobDocument, JobOverrides overrides) {
        long startNanos = ticker.nanoTime();
        JsonNode job = JobDocuments.read(jobDocument);
        if (secrets == SecretReferences.NONE) {
            UnresolvedSecrets.refuse(job, files);
        }
        // The embedded SQS (Pekko and ElasticMQ, the longest part of a local run's start) comes up with its
        // queues on a thread of its own while the workers' fetchers, HTTP clients and JSON codecs are built
        // and warmed up here: neither needs the other.
        CompletableFuture<Queues> starting = CompletableFuture.supplyAsync(this::startQueues,
                runnable -> Thread.ofPlatform().name("embedded-sqs-start").start(runnable));
        List<ChunkWorker> chunkWorkers = new java.util.ArrayList<>();
        Tally tally = new Tally();
        try {
            for (int i = 0; i < options.workers(); i++) {
                chunkWorkers.add(ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(10)), secrets, clock)
                        .onRecord(tally::recordEnded));
            }
        } catch (RuntimeException | Error e) {
            starting.thenAccept(Queues::close); // no SQS left running behind a run that never began
            throw e;
        }
        warmUp();
        try (Queues queues = started(starting)) {
            EmbeddedSqs sqs = queues.sqs();
            String dlq = queues.dlq();
            String queue = queues.queue();

            // Workers first, built with their clients as a deployed fleet is there before a job arrives.
            AtomicBoolean stop = new AtomicBoolean();
            // A poller holds one of these while it receives and fetches. None until the run is dispatched,
            // then only as many as the run's lanes: a run resumed with more workers than it was laid out
            // for must not have the surplus fetch chunks, each with a share meant for fewer lanes. (Taking
            // the surplus back after dispatch is too late: pollers already waiting in a receive take the
            // first chunks.)
            Semaphore fetching = new Semaphore(0, true);
            ExecutorService pollers = Executors.newFixedThreadPool(options.workers(), Thread.ofPlatform().name("worker-", 1).factory());
            try {
                for (int i = 0; i < options.workers(); i++) {
                    WorkerHandler handler = new WorkerHandler(
                            chunkWorkers.get(i).sendingChildrenTo(new SqsBatchSender(sqs.client(), queue)), tally, clock,
                            new DeadLetterQueue(sqs.client(), dlq, options.maxReceiveCount(), clock),
                            new ContinuationQueue(sqs.client(), queue),
                            new RangeExpander(mapper, store, new RequestListExpander(mapper, files),
                                    new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES),
                                    new SqsBatchSender(sqs.client(), queue)));
                    pollers.submit(() -> poll(sqs.client(), queue, handler, stop, fetching));
                }
                beforeDispatch.run();
                long dispatchNanos = ticker.nanoTime();
                RunRef run;
                try {
                    run = dispatch(sqs.client(), queue, jobDocument, overrides);
                } catch (BronzeWriteException e) {
                    return RunSummary.unwritable(store.locate(""), null, round((ticker.nanoTime() - startNanos) / 1e9), e.getMessage());
                }
                Manifest manifest = new RunFiles(store, mapper).manifest(run);
                int chunks = manifest.chunks();
                fetching.release(manifest.lanes() == null ? options.workers() : Math.min(options.workers(), manifest.lanes()));
                String problem = watch(sqs, queue, dlq, run, chunks, manifest.requests(), tally, startNanos);
                double runSeconds = (ticker.nanoTime() - dispatchNanos) / 1e9;
                stopPollers(stop, pollers);
                if (problem != null && sqs.depth(dlq) > 0) {
                    problem = problem + ": " + deadLetterErrors(sqs.client(), dlq);
                }
                return summarize(run, problem, sqs.depth(dlq), startNanos, runSeconds);
            } finally {
                stopPollers(stop, pollers);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The embedded SQS and the fleet's queues on it: the chunk queue and its dead-letter queue. */
    private record Queues(EmbeddedSqs sqs, String queue, String dlq) implements AutoCloseable {
        @Override
        public void close() {
            sqs.close();
        }
    }

    private Queues startQueues() {
        EmbeddedSqs sqs = EmbeddedSqs.start();
        try {
            String dlq = sqs.createQueue("fetchfleet-chunks-dlq", Map.of());
            String queue = sqs.createQueue("fetchfleet-chunks", Map.of(
                    // As in template.yaml: visibility well above the worker's timeout.
                    QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(options.workerTimeout().toSeconds() + 60),
                    QueueAttributeName.REDRIVE_POLICY, "{\"maxReceiveCount\":\"" + options.maxReceiveCount()
                            + "\",\"deadLetterTargetArn\":\"" + sqs.queueArn(dlq) + "\"}"));
            return new Queues(sqs, queue, dlq);
        } catch (RuntimeException | Error e) {
            sqs.close();
            throw e;
        }
    }

    /** The embedded SQS and its queues once up; what failed their start, as it was thrown. */
    private static Queues started(CompletableFuture<Queues> starting) throws InterruptedException {
        try {
            return starting.get();
        } catch (InterruptedException e) {
            starting.thenAccept(Queues::close); // stopped while it started: it closes once up
            throw e;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("the embedded SQS did not start", e.getCause());
        }
    }

    /** The errors the dead-lettered chunks carry, read without taking them off the queue. */
    private static String deadLetterErrors(SqsClient sqs, String dlq) {
        List<Message> parked = sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).visibilityTimeout(0)
                .messageAttributeNames("All")).messages();
        return parked.stream().map(m -> {
            var error = m.messageAttributes().get(DeadLetterQueue.ERROR_ATTRIBUTE);
            return error == null ? "(no error recorded)" : error.stringValue();
        }).distinct().collect(Collectors.joining("; "));
    }

    private void stopPollers(AtomicBoolean stop, ExecutorService pollers) throws InterruptedException {
        stop.set(true);
        pollers.shutdown();
        if (!pollers.awaitTermination(options.workerTimeout().toSeconds() + 30, TimeUnit.SECONDS)) {
            pollers.shutdownNow();
        }
    }

    /** Through the dispatcher's handler, the document as its event, as the deployed fleet does. */
    private RunRef dispatch(SqsClient sqs, String queue, String jobDocument, JobOverrides overrides) {
        DispatcherHandler dispatcher = new DispatcherHandler(Dispatcher.create(mapper, store, new SqsBatchSender(sqs, queue), files,
                clock, options.workers(), chunksPerRange).forAFleetThatHoldsLanes().overriding(overrides));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            dispatcher.handleRequest(new ByteArrayInputStream(jobDocument.getBytes(StandardCharsets.UTF_8)), out,
                    new LocalLambdaContext("fetchfleet-dispatcher", Duration.ofMinutes(15), 1024));
            JsonNode result = mapper.readTree(out.toByteArray());
            RunRef run = new RunRef(result.get("source").asText(), result.get("ingestDate").asText(), result.get("runId").asText());
            switch (terminal) {
                case TEXT -> {
                    progress.printf("dispatched run %s: %d requests in %d chunks, %d fetching at once -> %s%n", run.runId(),
                            result.get("requests").asInt(), result.get("chunks").asInt(), result.path("lanes").asInt(1),
                            result.get("bronze").asText());
                    if (result.path("chunksAlreadyDone").asInt() > 0) {
                        progress.printf("resuming: %d chunks already written are not fetched again; %d sent%n",
                                result.get("chunksAlreadyDone").asInt(), result.get("chunksSent").asInt());
                    }
                    result.path("warnings").forEach(w -> progress.println("warning: " + w.asText()));
                }
                case JSON -> progress.println(mapper.createObjectNode().put("event", "dispatched").setAll((ObjectNode) result));
                case QUIET -> { }
            }
            progress.flush();
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One poller: what Lambda's SQS event source mapping does for one concurrent invocation. */
    private void poll(SqsClient sqs, String queue, WorkerHandler handler, AtomicBoolean stop, Semaphore fetching) {
        while (!stop.get()) {
            try {
                if (!fetching.tryAcquire(1, TimeUnit.SECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                pollOnce(sqs, queue, handler);
            } finally {
                fetching.release();
            }
        }
    }

    /** One receive and, when a chunk came, one invocation: what Lambda's SQS event source does for one poll. */
    private void pollOnce(SqsClient sqs, String queue, WorkerHandler handler) {
        List<Message> messages;
        try {
            messages = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(1).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        } catch (RuntimeException e) {
            return; // the queue is being shut down, or a transient error: poll again
        }
        if (messages.isEmpty()) {
            return;
        }
        SQSBatchResponse response = handler.handleRequest(toEvent(messages),
                new LocalLambdaContext("fetchfleet-worker", options.workerTimeout(), 1769));
        Set<String> failed = response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
        for (Message message : messages) {
            if (failed.contains(message.messageId())) {
                // Lambda would wait out the visibility timeout; locally a short pause does the same job.
                int receives = Integer.parseInt(message.attributesAsStrings().getOrDefault("ApproximateReceiveCount", "1"));
                sqs.changeMessageVisibility(b -> b.queueUrl(queue).receiptHandle(message.receiptHandle())
                        .visibilityTimeout(Math.min(30, 2 * receives)));
            } else {
                sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(message.receiptHandle()));
            }
        }
    }

    private static SQSEvent toEvent(List<Message> messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(messages.stream().map(m -> {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(m.messageId());
            record.setReceiptHandle(m.receiptHandle());
            record.setBody(m.body());
            record.setMd5OfBody(m.md5OfBody());
            record.setAttributes(m.attributesAsStrings());
            record.setEventSource("aws:sqs");
            record.setEventSourceArn("arn:aws:sqs:us-east-1:000000000000:fetchfleet-chunks");
            record.setAwsRegion("us-east-1");
            return record;
        }).toList());
        return event;
    }

    /**
     * The fetch path run some hundreds of times on loopback while the embedded SQS starts (see
     * {@link FetchWarmUp}), so the run's first pages do not wait for the JIT. Only a speed-up: a warm-up
     * that fails says so and the run goes on.
     */
    private void warmUp() {
        try {
            FetchWarmUp.run(mapper, Fetcher.newHttpClient(Duration.ofSeconds(10)));
        } catch (RuntimeException e) {
            switch (terminal) {
                case TEXT -> progress.println("warning: warm-up skipped: " + e.getMessage());
                case JSON -> progress.println(mapper.createObjectNode().put("event", "warning").put("warning", "warm-up skipped: " + e.getMessage()));
                case QUIET -> { }
            }
        }
    }

    private static final int SETTLE_EVERY_SECONDS = 5;

    /** Waits for _SUCCESS, printing progress; returns why the run stopped short, or null when it completed. */
    private String watch(EmbeddedSqs sqs, String queue, String dlq, RunRef run, int chunks, int requests, Tally tally, long startNanos)
            throws InterruptedException {
        long deadline = startNanos + options.runTimeout().toNanos();
        long lastPrint = 0;
        long lastDeadLetterLook = ticker.nanoTime() - TimeUnit.SECONDS.toNanos(1);
        long lastSettle = ticker.nanoTime();
        while (true) {
            // A job with children is done when every level is (see LevelCompletion).
            boolean done = store.exists(run.successKey()) && levels(run).stream().allMatch(level -> store.exists(level.successKey()));
            long now = ticker.nanoTime();
            if (terminal != TerminalMode.QUIET && (done || now - lastPrint >= TimeUnit.SECONDS.toNanos(1))) {
                // Parts in bronze, not this process's tally: a resumed run counts what earlier runs wrote.
                int written = new BronzeWriter(store, mapper).partKeys(run).size();
                // Requests as each one ends, not as their chunk does: a slow chunk shows it is moving.
                long answered = tally.requestsEnded.get();
                double elapsed = (now - startNanos) / 1e9;
                if (terminal == TerminalMode.JSON) {
                    progress.println(mapper.createObjectNode().put("event", "progress").put("elapsed_seconds", Math.round(elapsed * 10) / 10.0)
                            .put("requests_done", answered).put("requests", requests).put("chunks_written", written).put("chunks", chunks)
                            .put("chunk_failures", tally.chunkFailures.get()).put("chunks_continued", tally.chunksContinued.get())
                            .put("child_requests_done", tally.childRequestsEnded.get()));
                } else {
                    long children = tally.childRequestsEnded.get();
                    progress.printf("[%6.1fs] %d/%d requests done%s, chunks %d/%d written, %d chunk failures%s%n",
                            elapsed, answered, requests, children == 0 ? "" : " (and " + children + " child requests)", written, chunks,
                            tally.chunkFailures.get(),
                            tally.chunksContinued.get() == 0 ? "" : ", " + tally.chunksContinued.get()
                                    + " continued past a worker's deadline");
                }
                progress.flush();
                lastPrint = now;
            }
            if (done) {
                return null;
            }
            if (store.failure().isPresent()) {
                return "bronze cannot be written";
            }
            // The dead-letter queue once a second, not at every look for _SUCCESS: each look is an SQS call
            // served by the same cores as the run (measured, a tenth of a fast chain run's CPU at 100 ms).
            if (now - lastDeadLetterLook >= TimeUnit.SECONDS.toNanos(1)) {
                lastDeadLetterLook = now;
                int deadLetters = sqs.depth(dlq);
                if (deadLetters > 0 && sqs.depth(queue) == 0) {
                    return deadLetters + " chunk(s) in the dead-letter queue after " + options.maxReceiveCount()
                            + " failed deliveries";
                }
            }
            if (now > deadline) {
                return "run timeout of " + options.runTimeout() + " reached";
            }
            // A run killed while it completed left its completion claimed by the dead process: once the claim's
            // lease is over, no chunk may be left to retry it (they all ended), so the fleet tries every few seconds.
            if (now - lastSettle >= TimeUnit.SECONDS.toNanos(SETTLE_EVERY_SECONDS)) {
                lastSettle = now;
                new LevelCompletion(store, mapper, clock).settle(run);
            }
            Thread.sleep(100);
        }
    }

    private RunSummary summarize(RunRef run, String problem, int deadLetters, long startNanos, double runSeconds) {
        int requests = new RunFiles(store, mapper).manifest(run).requests();
        PartTally tally = PartTally.of(new BronzeWriter(store, mapper), run, null, null);
        double wall = (ticker.nanoTime() - startNanos) / 1e9;
        List<RunSummary.Level> levels = levelSummaries(run);
        boolean complete = problem == null && tally.requests() == requests && tally.duplicates() == 0
                && levels.stream().allMatch(l -> l.complete() && l.duplicates() == 0);
        if (problem == null && !complete) {
            problem = "bronze holds " + tally.requests() + " of " + requests + " requests (" + tally.duplicates() + " records duplicated)"
                    + levels.stream().filter(l -> !l.complete() || l.duplicates() > 0).map(l -> "; level " + l.source() + ": "
                    + (l.complete() ? "" : "not complete, ") + l.duplicates() + " records duplicated").collect(Collectors.joining());
        }
        double sequentialSeconds = tally.sequentialMillis() / 1000.0;
        return new RunSummary(complete, run.runId(), run.source(), store.locate(run.prefix()), requests, tally.records(),
                tally.succeeded(), tally.records() - tally.succeeded(), tally.duplicates(), tally.statusCounts(), round(wall),
                round(runSeconds), round(sequentialSeconds), wall > 0 ? round(sequentialSeconds / wall) : 0, deadLetters, problem,
                store.failure().map(BronzeWriteException::getMessage).orElse(null),
                new RunFiles(store, mapper).readSuccess(run).map(dev.fetchfleet.run.Success::s3Requests).orElse(null), levels);
    }

    private List<RunRef> levels(RunRef run) {
        return new dev.fetchfleet.run.LevelCompletion(store, mapper, clock).levels(run);
    }

    /** Each level of a job with children, counted from its parts; none for a job without children. */
    private List<RunSummary.Level> levelSummaries(RunRef run) {
        List<RunRef> all = levels(run);
        if (all.size() == 1) {
            return List.of();
        }
        RunFiles files = new RunFiles(store, mapper);
        List<RunSummary.Level> out = new java.util.ArrayList<>();
        for (RunRef level : all) {
            PartTally tally = PartTally.of(new BronzeWriter(store, mapper), level, null, null);
            java.util.Optional<dev.fetchfleet.run.Success> success = files.readSuccess(level);
            out.add(new RunSummary.Level(level.source(), success.isPresent(), tally.requests(), tally.records(),
                    tally.records() - tally.succeeded(), tally.duplicates(), tally.parts(),
                    success.map(dev.fetchfleet.run.Success::chunksBeforeParentLevel).orElse(null),
                    success.map(dev.fetchfleet.run.Success::children).map(c -> c.values().stream()
                            .mapToLong(dev.fetchfleet.run.ChildrenSent::errors).sum()).orElse(0L)));
        }
        return out;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** Progress counters fed by every worker's handler. */
    private static final class Tally implements WorkerMetrics {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong chunkFailures = new AtomicLong();
        final AtomicLong chunksContinued = new AtomicLong();
        final AtomicLong requestsEnded = new AtomicLong();
        final AtomicLong childRequestsEnded = new AtomicLong();

        /** A request's first record (its only one, or its first page) ends the request for the progress line. */
        void recordEnded(BronzeRecord record) {
            if (record.page() == 0) {
                (record.parent() == null ? requestsEnded : childRequestsEnded).incrementAndGet();
            }
        }

        @Override
        public void chunkDone(ChunkResult result) {
            requests.addAndGet(result.requests());
        }

        @Override
        public void chunkFailed() {
            chunkFailures.incrementAndGet();
        }

        @Override
        public void chunkContinued() {
            chunksContinued.incrementAndGet();
        }

        @Override
        public void flush() {}
    }
}
