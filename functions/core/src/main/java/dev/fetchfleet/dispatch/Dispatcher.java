package dev.fetchfleet.dispatch;

import dev.fetchfleet.job.ChildSpec;
import dev.fetchfleet.run.LevelCompletion;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.run.DispatchProgress;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.run.RunCompletion;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.Incremental;
import dev.fetchfleet.job.JobDocuments;
import dev.fetchfleet.job.JobHeader;
import dev.fetchfleet.job.JobOverrides;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.JobValidationException;
import dev.fetchfleet.job.RequestListExpander;
import dev.fetchfleet.job.RequestList;
import dev.fetchfleet.job.RequestRange;
import dev.fetchfleet.job.TextFiles;
import dev.fetchfleet.plan.ChunkMessages;
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
import dev.fetchfleet.state.StateStore;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.function.IntPredicate;
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
    private final JobOverrides overrides;
    private final ChunkStream chunkStream;
    /** Above this many chunks, the dispatcher sends range messages of this many chunks each, and workers cut them. */
    private final int chunksPerRange;
    /**
     * Whether the fleet runs no more chunks at once than a run's lanes (the local runner holds its surplus workers
     * back); SQS and Lambda run as many as the event source's maximum concurrency, whatever the run's lanes.
     */
    private final boolean fleetHoldsLanes;

    /** Chunks a range message stands for (see {@link ChunkMessages#CHUNKS_PER_RANGE}). */
    public static final int CHUNKS_PER_RANGE = ChunkMessages.CHUNKS_PER_RANGE;

    /**
     * {@code workers}: how many chunks the fleet runs at once, which the API's caps are shared among
     * (0: unknown, so every chunk is taken to run at once).
     */
    public Dispatcher(JobParser parser, RequestListExpander expander, BronzeWriter bronze, ChunkMessages messages,
                      ChunkQueue sender, Clock clock, int workers) {
        this(parser, expander, bronze, messages, sender, clock, workers, CHUNKS_PER_RANGE);
    }

    /** {@code chunksPerRange}: above this many chunks, ranges of this many are sent for workers to expand. */
    public Dispatcher(JobParser parser, RequestListExpander expander, BronzeWriter bronze, ChunkMessages messages,
                      ChunkQueue sender, Clock clock, int workers, int chunksPerRange) {
        this(parser, expander, bronze, messages, sender, clock, workers, chunksPerRange, JobOverrides.NONE, false);
    }

    private Dispatcher(JobParser parser, RequestListExpander expander, BronzeWriter bronze, ChunkMessages messages,
                       ChunkQueue sender, Clock clock, int workers, int chunksPerRange, JobOverrides overrides,
                       boolean fleetHoldsLanes) {
        this.overrides = overrides;
        this.fleetHoldsLanes = fleetHoldsLanes;
        this.chunkStream = new ChunkStream(expander, messages, sender);
        this.chunksPerRange = Math.max(1, chunksPerRange);
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

    /**
     * A job document already read, strictly, at the entrance (the handler's event): it is not read again.
     * Two phases: the header (source, run id, incremental) picks the state values, then the whole job is
     * parsed with them filled in.
     */
    public DispatchResult dispatch(JsonNode written) {
        dev.fetchfleet.bronze.S3Requests before = counted();
        JobHeader header = overrides.applyTo(parser.header(written));
        Optional<Manifest> earlier = earlierManifest(header);
        Map<String, String> state = stateValues(header, earlier);
        // A known run id is parsed as of its start, so "to": "now" gives the windows it gave then.
        Instant startedAt = earlier.map(Manifest::startedAt).orElseGet(clock::instant);
        Job job = parser.at(startedAt).parse(written, state).with(header);
        return dispatch(job, written, state, startedAt, before);
    }

    public DispatchResult dispatch(Job job) {
        dev.fetchfleet.bronze.S3Requests before = counted();
        return dispatch(job, job.raw(), Map.of(), clock.instant(), before);
    }

    /** This dispatcher, changing every job it dispatches by {@code overrides} (a local run's --run-id, --full-refresh). */
    public Dispatcher overriding(JobOverrides overrides) {
        return new Dispatcher(parser, expander, bronze, messages, sender, clock, workers, chunksPerRange, overrides, fleetHoldsLanes);
    }

    /** This dispatcher, for a fleet that runs no more chunks at once than a run's lanes (the local runner). */
    public Dispatcher forAFleetThatHoldsLanes() {
        return new Dispatcher(parser, expander, bronze, messages, sender, clock, workers, chunksPerRange, overrides, true);
    }

    /** The manifest of the run {@code header} names, if it is one seen before: its state values and start hold for it again. */
    private Optional<Manifest> earlierManifest(JobHeader header) {
        if (header.source() == null || header.runId() == null) {
            return Optional.empty();
        }
        return bronze.findRun(header.source(), header.runId()).flatMap(files::readManifest);
    }

    /** The values {{state:…}} stands for in this run: recorded ones for a known run id, else the source's state. */
    private Map<String, String> stateValues(JobHeader header, Optional<Manifest> earlier) {
        if (header.source() == null) {
            return Map.of(); // the parser will say what is wrong with the source
        }
        Optional<Map<String, String>> recorded = earlier.map(Manifest::state).filter(java.util.Objects::nonNull);
        if (recorded.isPresent()) {
            return recorded.get();
        }
        Incremental incremental = header.incremental();
        boolean fullRefresh = incremental != null && incremental.fullRefresh();
        Optional<SourceState> current = fullRefresh ? Optional.empty() : new StateStore(bronze.store(), mapper).read(header.source());
        Map<String, String> values = new HashMap<>();
        String initial = incremental == null ? null : incremental.initial();
        values.put(StateStore.LAST_SUCCESS_STARTED_AT, current.map(SourceState::lastSuccessStartedAt).filter(java.util.Objects::nonNull)
                .orElse(initial != null ? initial : "1970-01-01T00:00:00Z"));
        if (initial != null) {
            values.put(incremental.name(), current.map(s -> s.values().get(incremental.name())).filter(java.util.Objects::nonNull)
                    .orElse(initial));
        }
        return values;
    }

    private DispatchResult dispatch(Job job, JsonNode written, Map<String, String> state, Instant startedAt,
                                    dev.fetchfleet.bronze.S3Requests countedBefore) {
        RequestList requests = expander.scan(job);
        if (job.runId() != null) {
            Optional<RunRef> earlier = bronze.findRun(job.source(), job.runId());
            if (earlier.isPresent()) {
                return resume(job, requests, earlier.get());
            }
        }
        String runId = job.runId() != null ? job.runId() : newRunId(startedAt);
        RunRef run = new RunRef(job.source(), startedAt.atZone(ZoneOffset.UTC).toLocalDate().toString(), runId);
        FleetLayout layout = layout(job, requests);

        files.writeJob(run, Secrets.redacted(written, job.fetch().redactHeaders()));
        // Child levels' manifests first: the job's own, which a resumed run finds the run by, says they exist.
        writeChildManifests(run, startedAt, job.source(), job.children(), layout.lanes());
        if (layout.chunks() > chunksPerRange) {
            // Range messages are cut from this copy, unredacted as chunk messages are, outside the data partitions.
            bronze.store().put(ChunkRange.jobKey(run), bytes(job.raw()));
        }
        files.writeManifest(new Manifest(runId, job.source(), run.ingestDate(), startedAt, requests.count(),
                layout.chunks(), layout.chunkSize(), null, estimate(job, requests, layout), state.isEmpty() ? null : state,
                layout.lanes(), RunFiles.jobKey(run), sha256(job.raw())).withIncremental(job.incremental())
                .withRequestsVersion(requests.version()).withS3Requests(dispatchRequests(countedBefore))
                .withLevels(null, job.children().stream().map(ChildSpec::source).toList()));
        int sent = send(job, run, requests, layout, c -> true);
        return new DispatchResult(run, requests.count(), layout.chunks(), layout.lanes(), sent, 0,
                bronze.store().locate(run.prefix()), FleetCaps.notes(job, requests, layout, workers));
    }

    /**
     * The same run id again: a resumed local run, Lambda retrying an asynchronous invocation, or a dispatcher
     * that died midway. The manifest and partition stay those of the first dispatch, and so does its layout
     * (chunk size and lanes), whatever the fleet's size now; only chunks without a part are sent, so a finished
     * chunk is never fetched again, and a run whose parts all exist is only completed. A chunk that was sent
     * but has no part yet is sent again: two messages, one part (its key depends only on run and chunk).
     */
    private DispatchResult resume(Job job, RequestList requests, RunRef run) {
        Manifest manifest = files.readManifest(run).orElseThrow(() ->
                new IllegalStateException("run " + run.runId() + " is indexed but has no manifest at " + bronze.store().locate(run.manifestKey())));
        FleetLayout layout = manifest.lanes() == null ? layout(job, requests)
                : new FleetLayout(manifest.chunkSize(), manifest.chunks(), manifest.lanes());
        int chunks = (int) ((requests.count() + (long) layout.chunkSize() - 1) / layout.chunkSize());
        if (manifest.requests() != requests.count() || manifest.chunks() != chunks) {
            throw JobValidationException.of("$.runId", '"' + run.runId() + '"', "names an earlier run of "
                    + manifest.requests() + " requests in " + manifest.chunks() + " chunks, but this job has "
                    + requests.count() + " in " + chunks + "; resume it with the same job, or use a new run id");
        }
        if (manifest.requestsVersion() != null && !manifest.requestsVersion().equals(requests.version())) {
            // Same count, other lines: chunk i would now be other requests than the parts already written.
            String location = job.requests() instanceof dev.fetchfleet.job.RequestSource.FromFile file ? '"' + file.location() + '"' : null;
            throw JobValidationException.of("$.requestsFrom", location,
                    "changed since run " + run.runId() + " first read it (version " + manifest.requestsVersion() + ", now "
                            + requests.version() + "); put that file back to finish the run, or use a new run id");
        }
        BitSet done = new BitSet(chunks);
        Set<String> written = new HashSet<>(bronze.partKeys(run));
        // A part without its summary (its worker died between the two, or an older version wrote it) is sent
        // again too: the worker finds the part, is not fetching it again, writes the summary and checks completion.
        // A part that carries its summary in its metadata has it: a HEAD of each part without a summary object says.
        Set<String> summarised = new HashSet<>(bronze.store().list(run.prefix() + RunRef.SUMMARIES + "/"));
        BitSet withoutSummaryObject = new BitSet(chunks);
        for (int c = 0; c < chunks; c++) {
            if (written.contains(run.partKey(c))) {
                (summarised.contains(run.summaryKey(c)) ? done : withoutSummaryObject).set(c);
            }
        }
        if (!withoutSummaryObject.isEmpty()) {
            done.or(new RunCompletion(bronze.store(), mapper, clock).carrySummaries(run, withoutSummaryObject));
        }
        if (!job.children().isEmpty() && !new LevelCompletion(bronze.store(), mapper, clock).settle(run)) {
            // A level below is not complete: every parent chunk goes again, and a parent whose part is written
            // sends again those of its child chunks that have no part (the queue that held them may be gone).
            done.clear();
        }
        int missing = chunks - done.cardinality();
        if (missing == 0) {
            completion.completeIfDone(run);
        } else {
            if (layout.chunks() > chunksPerRange && !bronze.store().exists(ChunkRange.jobKey(run))) {
                bronze.store().put(ChunkRange.jobKey(run), bytes(job.raw()));
            }
            send(job, run, requests, layout, c -> !done.get(c));
        }
        return new DispatchResult(run, requests.count(), chunks, layout.lanes(), missing, chunks - missing,
                bronze.store().locate(run.prefix()), FleetCaps.notes(job, requests, layout, workers));
    }

    /**
     * Sends the wanted chunks: itself, as it reads the list, when the run has at most {@code chunksPerRange}
     * chunks; else one range message per {@code chunksPerRange} chunks, which workers expand in parallel
     * ({@link RangeExpander}). Returns how many chunks were sent or handed to ranges.
     */
    private int send(Job job, RunRef run, RequestList requests, FleetLayout layout, IntPredicate wanted) {
        DispatchProgress.Writer progress = new DispatchProgress.Writer(bronze.store(), mapper, clock, run, layout.chunks());
        if (layout.chunks() <= chunksPerRange) {
            int sent = chunkStream.send(job, run, layout, requests.range(0, requests.count()), 0, wanted, progress::chunksSent);
            progress.finished(sent, 0);
            return sent;
        }
        int ranges = 0;
        int chunks = 0;
        List<String> batch = new ArrayList<>();
        for (int first = 0, index = 0; first < layout.chunks(); first += chunksPerRange, index++) {
            int end = Math.min(layout.chunks(), first + chunksPerRange);
            List<Integer> only = new ArrayList<>();
            for (int c = first; c < end; c++) {
                if (wanted.test(c)) {
                    only.add(c);
                }
            }
            if (only.isEmpty()) {
                continue;
            }
            RequestRange slice = requests.range((long) first * layout.chunkSize(), (long) end * layout.chunkSize());
            batch.add(ranges().encode(new ChunkRange(run, index, ChunkRange.jobKey(run), layout, first, end, slice,
                    only.size() == end - first ? null : only)));
            ranges++;
            chunks += only.size();
            if (batch.size() == ChunkStream.BATCH) {
                sender.sendAll(List.copyOf(batch));
                batch.clear();
                progress.rangesSent(ranges, chunks);
            }
        }
        if (!batch.isEmpty()) {
            sender.sendAll(batch);
        }
        progress.finished(chunks, ranges);
        return chunks;
    }

    private RangeExpander ranges() {
        return new RangeExpander(mapper, bronze.store(), expander, messages, sender);
    }

    /**
     * This dispatch's bronze requests since {@code countedBefore} (taken as it began), with its manifest's PUT and
     * its run index's: what completion adds to the run's count. A dispatcher handles one job at a time (one Lambda
     * invocation, one local run), so its counter's difference is this run's. Claim-check objects of chunk
     * messages too large for SQS are written after the manifest and not counted.
     */
    private dev.fetchfleet.bronze.S3Requests dispatchRequests(dev.fetchfleet.bronze.S3Requests countedBefore) {
        if (!(bronze.store() instanceof dev.fetchfleet.bronze.CountingStore counting)) {
            return null;
        }
        dev.fetchfleet.bronze.S3Requests now = counting.counted();
        return now.minus(countedBefore).plus(dev.fetchfleet.bronze.S3Requests.Kind.PUT, "manifest", 1)
                .plus(dev.fetchfleet.bronze.S3Requests.Kind.PUT, "markers", 1);
    }

    /** The bronze store's requests so far (none where it does not count them): a dispatch's baseline. */
    private dev.fetchfleet.bronze.S3Requests counted() {
        return bronze.store() instanceof dev.fetchfleet.bronze.CountingStore counting ? counting.counted()
                : dev.fetchfleet.bronze.S3Requests.NONE;
    }

    private FleetLayout layout(Job job, RequestList requests) {
        FleetLayout layout = FleetLayout.plan(requests, job.statedChunkSize(), job.fetch(), workers,
                Duration.ofMillis(job.plan().latencyMillis()), job.plan().pagesPerRequest());
        if (job.children().isEmpty() || workers <= 0) {
            return layout;
        }
        // Child chunks of every level share the fleet with the parents, up to every worker at once: each chunk
        // of the run takes 1/lanes of the caps, lanes being as many as the fleet runs, or fewer where a cap of
        // any level allows fewer (the local fleet then runs only that many at once).
        int lanes = Math.min(workers, requests.maxLanes());
        for (ChildSpec child : job.children()) {
            lanes = Math.min(lanes, child.maxLanes());
        }
        if (lanes < workers && !fleetHoldsLanes) {
            // Child chunks cannot be counted ahead, so the layout cannot give them fewer, larger chunks; on SQS and
            // Lambda up to `workers` chunks run at once, each with 1/lanes of the caps: more than the API allows.
            throw JobValidationException.of("$.children", null, "the caps of this job's levels allow " + Math.max(1, lanes)
                    + " chunks to fetch at once, but this fleet runs " + workers + " (its worker concurrency): a job with children "
                    + "needs caps of at least " + workers + " in flight and " + workers + " a second for every host of every level, "
                    + "or a fleet of at most " + Math.max(1, lanes) + " workers (the stack's WorkerMaxConcurrency, the local runner's --workers)");
        }
        return new FleetLayout(layout.chunkSize(), layout.chunks(), Math.max(1, lanes));
    }

    /** An empty manifest for each level of children, naming its parent and its own children; counts come with its _SUCCESS. */
    private void writeChildManifests(RunRef run, Instant startedAt, String parent, List<ChildSpec> children, int lanes) {
        for (ChildSpec child : children) {
            writeChildManifests(run, startedAt, child.source(), child.children(), lanes);
            files.writeManifest(new Manifest(run.runId(), child.source(), run.ingestDate(), startedAt, 0, 0, child.chunkSize(), null,
                    null, null, lanes, RunFiles.jobKey(run), null).withLevels(parent, child.children().stream().map(ChildSpec::source).toList()));
        }
    }

    private byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The job's hash, as the run expanded it: a resumed run can be told whether it was given the same job. */
    private String sha256(JsonNode job) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes(job)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * A dispatcher with the usual parts: bronze in {@code store}, chunks to {@code queue},
     * {@code requestsFrom} read through {@code files}; {@code workers} as for the constructor.
     */
    public static Dispatcher create(ObjectMapper mapper, BronzeStore store, ChunkQueue queue, TextFiles files, Clock clock,
                                    int workers) {
        return create(mapper, store, queue, files, clock, workers, CHUNKS_PER_RANGE);
    }

    /** As above, with range messages of {@code chunksPerRange} chunks above that many (a fan-out test at a small size). */
    public static Dispatcher create(ObjectMapper mapper, BronzeStore store, ChunkQueue queue, TextFiles files, Clock clock,
                                    int workers, int chunksPerRange) {
        // Counted, so the manifest can say what dispatching cost in S3 requests.
        dev.fetchfleet.bronze.CountingStore counted = new dev.fetchfleet.bronze.CountingStore(store);
        return new Dispatcher(new JobParser(mapper), new RequestListExpander(mapper, files),
                new BronzeWriter(counted, mapper), new ChunkMessages(mapper, counted, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES),
                queue, clock, workers, chunksPerRange);
    }

    /** The planner's prediction for the manifest, from the job's plan hints and the fleet's size. */
    private RunEstimate estimate(Job job, RequestList requests, FleetLayout layout) {
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
