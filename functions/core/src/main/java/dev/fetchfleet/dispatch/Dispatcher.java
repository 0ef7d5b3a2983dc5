package dev.fetchfleet.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.run.RunCompletion;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.JobDocuments;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.JobValidationException;
import dev.fetchfleet.job.RequestListExpander;
import dev.fetchfleet.job.RequestSpec;
import dev.fetchfleet.job.TextFiles;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import dev.fetchfleet.plan.ChunkPlanner;
import dev.fetchfleet.plan.FleetLayout;
import dev.fetchfleet.plan.Prices;
import dev.fetchfleet.plan.RunEstimate;
import dev.fetchfleet.plan.RunPlanner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.state.SourceState;
import dev.fetchfleet.state.StatePlaceholders;
import dev.fetchfleet.state.StateStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Starts a run: validates and expands the job (rejecting it whole before anything is written or sent),
 * writes the manifest, then sends one message per chunk.
 */
public final class Dispatcher {

    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final JobParser parser;
    private final RequestListExpander expander;
    private final BronzeWriter bronze;
    private final ChunkMessages messages;
    private final ChunkQueue sender;
    private final Clock clock;
    /** How many chunks the fleet runs at once (the event source's maximum concurrency, the local worker count); 0: unknown. */
    private final int workers;
    private final Prices prices;
    private final ObjectMapper mapper = dev.fetchfleet.Json.newMapper();
    private final RunFiles files;
    private final RunCompletion completion;

    /**
     * {@code workers}: how many chunks the fleet runs at once, which the API's caps are shared among
     * (0: unknown, so every chunk is taken to run at once).
     */
    public Dispatcher(JobParser parser, RequestListExpander expander, BronzeWriter bronze, ChunkMessages messages,
                      ChunkQueue sender, Clock clock, int workers) {
        this.parser = parser;
        this.expander = expander;
        this.bronze = bronze;
        this.messages = messages;
        this.sender = sender;
        this.clock = clock;
        this.workers = workers;
        this.files = new RunFiles(bronze.store(), mapper);
        this.completion = new RunCompletion(bronze.store(), mapper, clock);
        this.prices = Prices.load(dev.fetchfleet.Json.newMapper());
    }

    /**
     * Dispatches a job document. {@code {{state:NAME}}} placeholders are filled from the source's state
     * (or, for a run id seen before, from the values its manifest recorded) before the job is validated.
     */
    public DispatchResult dispatch(String jobDocument) {
        return dispatch(JobDocuments.read(jobDocument));
    }

    /** A job document already read, strictly, at the entrance (the handler's event): it is not read again. */
    public DispatchResult dispatch(JsonNode written) {
        countedBefore = bronze.store() instanceof dev.fetchfleet.bronze.CountingStore counting ? counting.counted()
                : dev.fetchfleet.bronze.S3Requests.NONE;
        Map<String, String> state = stateValues(written);
        Job job = parser.parse(StatePlaceholders.substitute(written, state));
        return dispatch(job, written, state);
    }

    public DispatchResult dispatch(Job job) {
        countedBefore = bronze.store() instanceof dev.fetchfleet.bronze.CountingStore counting ? counting.counted()
                : dev.fetchfleet.bronze.S3Requests.NONE;
        return dispatch(job, job.raw(), Map.of());
    }

    /** The values {{state:…}} stands for in this run: recorded ones for a known run id, else the source's state. */
    private Map<String, String> stateValues(JsonNode written) {
        String source = written.path("source").asText("");
        if (!source.matches("[a-z0-9_-]{1,63}")) {
            return Map.of(); // the parser will say what is wrong with the source
        }
        String runId = written.path("runId").isTextual() ? written.get("runId").asText() : null;
        if (runId != null && runId.matches("[A-Za-z0-9_-]{1,64}")) {
            Optional<Map<String, String>> recorded = bronze.findRun(source, runId)
                    .flatMap(files::readManifest).map(Manifest::state).filter(java.util.Objects::nonNull);
            if (recorded.isPresent()) {
                return recorded.get();
            }
        }
        JsonNode incremental = written.path("incremental");
        boolean fullRefresh = incremental.path("fullRefresh").asBoolean(false);
        Optional<SourceState> current = fullRefresh ? Optional.empty() : new StateStore(bronze.store(), mapper).read(source);
        Map<String, String> values = new HashMap<>();
        String initial = incremental.path("initial").isTextual() ? incremental.get("initial").asText() : null;
        values.put(StateStore.LAST_SUCCESS_STARTED_AT, current.map(SourceState::lastSuccessStartedAt).filter(java.util.Objects::nonNull)
                .orElse(initial != null ? initial : "1970-01-01T00:00:00Z"));
        if (incremental.isObject() && initial != null) {
            String name = incremental.path("name").asText("since");
            values.put(name, current.map(s -> s.values().get(name)).filter(java.util.Objects::nonNull).orElse(initial));
        }
        return values;
    }

    private DispatchResult dispatch(Job job, JsonNode written, Map<String, String> state) {
        List<RequestSpec> requests = expander.expand(job);
        if (job.runId() != null) {
            Optional<RunRef> earlier = bronze.findRun(job.source(), job.runId());
            if (earlier.isPresent()) {
                return resume(job, requests, earlier.get());
            }
        }
        Instant startedAt = clock.instant();
        String runId = job.runId() != null ? job.runId() : newRunId(startedAt);
        RunRef run = new RunRef(job.source(), startedAt.atZone(ZoneOffset.UTC).toLocalDate().toString(), runId);
        FleetLayout layout = layout(job, requests);
        List<Chunk> chunks = ChunkPlanner.plan(run, requests, layout, job.fetch());

        files.writeManifest(new Manifest(runId, job.source(), run.ingestDate(), startedAt, requests.size(),
                chunks.size(), layout.chunkSize(), Secrets.redacted(written, job.fetch().redactHeaders()),
                estimate(job, requests, layout), state.isEmpty() ? null : state, layout.lanes(), dispatchRequests()));
        sender.sendAll(chunks.stream().map(messages::encode).toList());
        return new DispatchResult(run, requests.size(), chunks.size(), layout.lanes(), chunks.size(), 0,
                bronze.store().locate(run.prefix()), FleetCaps.notes(job, requests, layout, workers));
    }

    /**
     * The same run id again: a resumed local run, or Lambda retrying an asynchronous invocation. The
     * manifest and partition stay those of the first dispatch, and so does its layout (chunk size and
     * lanes), whatever the fleet's size now; only chunks without a part are sent, so a finished chunk is
     * never fetched again, and a run whose parts all exist is only completed.
     */
    private DispatchResult resume(Job job, List<RequestSpec> requests, RunRef run) {
        Manifest manifest = files.readManifest(run).orElseThrow(() ->
                new IllegalStateException("run " + run.runId() + " is indexed but has no manifest at " + bronze.store().locate(run.manifestKey())));
        FleetLayout layout = manifest.lanes() == null ? layout(job, requests)
                : new FleetLayout(manifest.chunkSize(), manifest.chunks(), manifest.lanes());
        List<Chunk> chunks = ChunkPlanner.plan(run, requests, layout, job.fetch());
        if (manifest.requests() != requests.size() || manifest.chunks() != chunks.size()) {
            throw JobValidationException.of("$.runId", '"' + run.runId() + '"', "names an earlier run of "
                    + manifest.requests() + " requests in " + manifest.chunks() + " chunks, but this job has "
                    + requests.size() + " in " + chunks.size() + "; resume it with the same job, or use a new run id");
        }
        Set<String> written = new HashSet<>(bronze.partKeys(run));
        // A part without its summary (its worker died between the two, or an older version wrote it) is sent
        // again too: the worker finds the part, is not fetching it again, writes the summary and checks completion.
        Set<String> summarised = new HashSet<>(bronze.store().list(run.prefix() + dev.fetchfleet.bronze.RunRef.SUMMARIES + "/"));
        List<Chunk> missing = chunks.stream().filter(c -> !written.contains(run.partKey(c.index()))
                || !summarised.contains(run.summaryKey(c.index()))).toList();
        if (missing.isEmpty()) {
            completion.completeIfDone(run);
        } else {
            sender.sendAll(missing.stream().map(messages::encode).toList());
        }
        return new DispatchResult(run, requests.size(), chunks.size(), layout.lanes(), missing.size(),
                chunks.size() - missing.size(), bronze.store().locate(run.prefix()),
                FleetCaps.notes(job, requests, layout, workers));
    }

    /**
     * This dispatcher's bronze requests since the last manifest it wrote, with that manifest's PUT and its run
     * index's: what completion adds to the run's count. A dispatcher handles one job at a time (one Lambda
     * invocation, one local run), so its counter's difference is this run's. Claim-check objects of chunk
     * messages too large for SQS are written after the manifest and not counted.
     */
    private dev.fetchfleet.bronze.S3Requests dispatchRequests() {
        if (!(bronze.store() instanceof dev.fetchfleet.bronze.CountingStore counting)) {
            return null;
        }
        dev.fetchfleet.bronze.S3Requests now = counting.counted();
        return now.minus(countedBefore).plus(dev.fetchfleet.bronze.S3Requests.Kind.PUT, "manifest", 1)
                .plus(dev.fetchfleet.bronze.S3Requests.Kind.PUT, "markers", 1);
    }

    private dev.fetchfleet.bronze.S3Requests countedBefore = dev.fetchfleet.bronze.S3Requests.NONE;

    private FleetLayout layout(Job job, List<RequestSpec> requests) {
        return FleetLayout.plan(requests, job.chunkSize(), job.fetch(), workers,
                Duration.ofMillis(job.plan().latencyMillis()), job.plan().pagesPerRequest());
    }

    /**
     * A dispatcher with the usual parts: bronze in {@code store}, chunks to {@code queue},
     * {@code requestsFrom} read through {@code files}; {@code workers} as for the constructor.
     */
    public static Dispatcher create(ObjectMapper mapper, BronzeStore store, ChunkQueue queue, TextFiles files, Clock clock,
                                    int workers) {
        // Counted, so the manifest can say what dispatching cost in S3 requests.
        dev.fetchfleet.bronze.CountingStore counted = new dev.fetchfleet.bronze.CountingStore(store);
        return new Dispatcher(new JobParser(mapper), new RequestListExpander(mapper, files),
                new BronzeWriter(counted, mapper), new ChunkMessages(mapper, counted, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES),
                queue, clock, workers);
    }

    /** The planner's prediction for the manifest, from the job's plan hints and the fleet's size. */
    private RunEstimate estimate(Job job, List<RequestSpec> requests, FleetLayout layout) {
        return new RunPlanner(prices).estimate(requests, layout, job.fetch(), Duration.ofMillis(job.plan().latencyMillis()),
                WORKER_MEMORY_MB, job.plan().pagesPerRequest());
    }

    /** The template's default worker memory; the estimate's cost assumes it. */
    static final int WORKER_MEMORY_MB = 1769;

    static String newRunId(Instant startedAt) {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return RUN_ID_TIME.format(startedAt) + "-" + HexFormat.of().formatHex(random);
    }
}
