package dev.fetchfleet.worker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.aws.ContinuationQueue;
import dev.fetchfleet.dispatch.RangeExpander;
import dev.fetchfleet.aws.DeadLetterQueue;
import dev.fetchfleet.aws.FleetEnvironment;
import dev.fetchfleet.fetch.MetadataGuardResolverProvider;
import dev.fetchfleet.work.ChunkIncompleteException;
import dev.fetchfleet.work.ChunkResult;
import dev.fetchfleet.work.ChunkWorker;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

/**
 * The worker Lambda: each SQS message is one chunk. A chunk that fails is reported as a batch item
 * failure, so SQS redelivers it (and, after maxReceiveCount, moves it to the DLQ); the others are kept.
 * A chunk the deadline cut after it made progress goes on in a new message instead.
 */
public final class WorkerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerHandler.class);

    private final ChunkWorker worker;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final DeadLetterQueue deadLetters;
    private final ContinuationQueue continuations;
    /** Cuts range messages (fan-out dispatch) into chunk messages; null: this worker takes chunks only. */
    private final RangeExpander ranges;
    private final ObjectMapper mapper = Json.newMapper();

    /**
     * Lambda's constructor: bronze from BRONZE_ROOT, metrics to CloudWatch through EMF, chunks that
     * fail their last delivery (MAX_RECEIVE_COUNT) parked in DLQ_URL with their error, and chunks cut
     * short after progress sent again to CHUNK_QUEUE_URL (see {@link FleetEnvironment}).
     */
    public WorkerHandler() {
        this(FleetEnvironment.system());
        WorkerPriming.install();
    }

    private WorkerHandler(FleetEnvironment env) {
        this(worker(env), new PowertoolsWorkerMetrics(MetricsFactory.getMetricsInstance()), Clock.systemUTC(),
                env.deadLetters(), env.continuations(), env.ranges());
    }

    public WorkerHandler(ChunkWorker worker, WorkerMetrics metrics, Clock clock) {
        this(worker, metrics, clock, DeadLetterQueue.none());
    }

    public WorkerHandler(ChunkWorker worker, WorkerMetrics metrics, Clock clock, DeadLetterQueue deadLetters) {
        this(worker, metrics, clock, deadLetters, ContinuationQueue.none());
    }

    public WorkerHandler(ChunkWorker worker, WorkerMetrics metrics, Clock clock, DeadLetterQueue deadLetters,
                         ContinuationQueue continuations) {
        this(worker, metrics, clock, deadLetters, continuations, null);
    }

    public WorkerHandler(ChunkWorker worker, WorkerMetrics metrics, Clock clock, DeadLetterQueue deadLetters,
                         ContinuationQueue continuations, RangeExpander ranges) {
        this.ranges = ranges;
        this.worker = worker;
        this.metrics = metrics;
        this.clock = clock;
        this.deadLetters = deadLetters;
        this.continuations = continuations;
    }

    private static ChunkWorker worker(FleetEnvironment env) {
        LOG.info("destinations checked before every attempt", entry("private_networks", env.destinations().privateNetworks()),
                entry("resolver_guard_active", resolverGuardActive()));
        return env.worker(ParameterSecrets.forEndpoint(env.endpoint()));
    }

    /**
     * Makes the JVM load its resolver now, on the thread that loads this handler (the JVM finds the
     * metadata guard through the context class loader of its first lookup), and says whether the guard
     * is in it. Without it the check before each attempt still refuses; see README, Security.
     */
    private static boolean resolverGuardActive() {
        try {
            InetAddress.getByName("localhost");
        } catch (UnknownHostException ignored) {
            // no localhost entry: the resolver is loaded all the same
        }
        return MetadataGuardResolverProvider.active();
    }

    private static int receiveCount(SQSEvent.SQSMessage message) {
        try {
            return Integer.parseInt(message.getAttributes().getOrDefault("ApproximateReceiveCount", "1"));
        } catch (RuntimeException e) {
            return 1;
        }
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        PowertoolsLogging.initializeLogging(context);
        Instant invocationEnd = clock.instant().plusMillis(context.getRemainingTimeInMillis());
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        try {
            for (SQSEvent.SQSMessage message : event.getRecords()) {
                try {
                    if (ranges != null && RangeExpander.isRange(mapper, message.getBody())) {
                        // A failure below is handled as a chunk's is: handed back, then parked with its error.
                        int sent = ranges.expand(message.getBody());
                        LOG.info("range expanded into chunk messages", entry("message_id", message.getMessageId()), entry("chunks_sent", sent));
                        continue;
                    }
                    ChunkResult result = worker.process(message.getBody(), invocationEnd);
                    metrics.chunkDone(result);
                    LOG.info("chunk written", entry("run_id", result.run().runId()), entry("chunk", result.chunk()),
                            entry("requests", result.requests()), entry("status_counts", result.statusCounts()),
                            entry("duration_ms", result.durationMs()), entry("run_completed", result.runCompleted().isPresent()));
                } catch (RuntimeException e) {
                    if (e instanceof ChunkIncompleteException cut && cut.progressed() && continuations.sendAgain(message.getBody(), cut.retryAfter())) {
                        metrics.chunkContinued();
                        LOG.info("chunk cut by the deadline goes on in a new message", entry("message_id", message.getMessageId()),
                                entry("progress", e.getMessage()), entry("delay_seconds", cut.retryAfter().toSeconds()));
                        continue; // its checkpoint holds what was fetched; this message is done with
                    }
                    metrics.chunkFailed();
                    int receives = receiveCount(message);
                    if (deadLetters.isLastDelivery(receives) && deadLetters.park(message.getBody(), String.valueOf(e), receives)) {
                        // The reason in the message too: a text log (the local runner's) prints only the message.
                        LOG.error("chunk failed on its last delivery; parked in the dead-letter queue with its error: {}",
                                String.valueOf(e), entry("message_id", message.getMessageId()), entry("receive_count", receives),
                                entry("failure", String.valueOf(e)));
                        continue; // parked: deleting it from the chunk queue is what we want
                    }
                    LOG.error("chunk failed; handed back to the queue (delivery {}): {}", receives, String.valueOf(e),
                            entry("message_id", message.getMessageId()), entry("receive_count", receives),
                            entry("failure", String.valueOf(e)));
                    failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
                }
            }
        } finally {
            try {
                metrics.flush();
            } catch (RuntimeException e) {
                // Metrics are for watching; a flush that fails (no namespace configured, say) must not
                // turn chunks already written into a failed invocation that SQS delivers again.
                LOG.warn("metrics not flushed", entry("failure", String.valueOf(e)));
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }
}
