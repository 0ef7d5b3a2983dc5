package dev.fetchfleet.work;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.fetch.Destinations;
import dev.fetchfleet.fetch.FetchReport;
import dev.fetchfleet.fetch.FetchProgress;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.fetch.SecretReferences;
import dev.fetchfleet.job.RequestSpec;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import dev.fetchfleet.bronze.CountingStore;
import dev.fetchfleet.bronze.S3Requests;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.run.PartSummary;
import dev.fetchfleet.run.PartTally;
import dev.fetchfleet.run.RunCompletion;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.run.Success;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Processes one chunk message: fetches its requests, writes its part whole, and completes the run
 * when its part was the last one missing.
 */
public final class ChunkWorker {

    private final ChunkMessages messages;
    private final Fetcher fetcher;
    private final BronzeWriter bronze;
    private final Clock clock;
    private final ObjectMapper mapper;
    /** Told of every record as its request (or page) ends, before the chunk does: a local runner's progress. */
    private volatile Consumer<BronzeRecord> onRecord = record -> {};

    public ChunkWorker(ChunkMessages messages, Fetcher fetcher, BronzeWriter bronze, Clock clock) {
        this(messages, fetcher, bronze, clock, dev.fetchfleet.Json.newMapper());
    }

    public ChunkWorker(ChunkMessages messages, Fetcher fetcher, BronzeWriter bronze, Clock clock, ObjectMapper mapper) {
        this.mapper = mapper;
        this.messages = messages;
        this.fetcher = fetcher;
        this.bronze = bronze;
        this.clock = clock;
    }

    /** Where child chunks go (the chunk queue); null: this worker refuses a chunk with children. */
    private volatile dev.fetchfleet.dispatch.ChunkQueue childQueue;

    /** Sends the child chunks a written part makes to {@code queue}: the queue this worker's own chunks come from. */
    public ChunkWorker sendingChildrenTo(dev.fetchfleet.dispatch.ChunkQueue queue) {
        this.childQueue = queue;
        return this;
    }

    /** Calls {@code listener} with every record as it ends (from fetching threads; it must be quick and thread-safe). */
    public ChunkWorker onRecord(Consumer<BronzeRecord> listener) {
        this.onRecord = listener;
        return this;
    }

    /** Time kept back at the end of an invocation to write the part and complete the run. */
    static final Duration WRITE_MARGIN = Duration.ofSeconds(10);

    public static ChunkWorker create(ObjectMapper mapper, BronzeStore store,
                                     HttpClient http, Clock clock) {
        return create(mapper, store, http, SecretReferences.NONE, clock);
    }

    /** A worker whose requests may carry {@code {{ssm:…}}} / {@code {{secretsmanager:…}}} header references. */
    public static ChunkWorker create(ObjectMapper mapper, BronzeStore store,
                                     HttpClient http, SecretReferences.Store secrets, Clock clock) {
        return create(mapper, store, http, secrets, Destinations.LOCAL, clock);
    }

    /** A worker that reaches only the {@code destinations} it is given (a deployed worker: {@link Destinations#DEPLOYED}). */
    public static ChunkWorker create(ObjectMapper mapper, BronzeStore store, HttpClient http,
                                     SecretReferences.Store secrets, Destinations destinations, Clock clock) {
        return new ChunkWorker(new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES),
                new Fetcher(http, mapper, clock, secrets, destinations), new BronzeWriter(store, mapper), clock, mapper);
    }

    /**
     * Fetches what the chunk still needs and writes its part once. A chunk whose part exists (a
     * redelivery, a duplicate delivery) is not fetched again. What is fetched goes into the chunk's
     * checkpoint as it comes, so a chunk cut short by the deadline, or by a worker dying, is fetched on
     * redelivery only where it stopped: a request not yet answered, a chain from its next page.
     *
     * @param invocationEnd when the invocation will be cut off; no request starts later than a
     *                      request timeout plus {@link #WRITE_MARGIN} before it
     * @throws ChunkIncompleteException when the deadline left requests unfetched; the part is not written
     */
    public ChunkResult process(String messageBody, Instant invocationEnd) {
        long start = fetcher.ticker().nanoTime();
        // This chunk's own count of S3 requests, for its part's summary: the worker may run several chunks at once.
        CountingStore counted = new CountingStore(bronze.store());
        BronzeWriter bronze = new BronzeWriter(counted, mapper);
        RunCompletion completion = new RunCompletion(counted, mapper, clock);
        Chunk chunk = messages.decode(messageBody);
        RunRef run = chunk.run();
        if (!chunk.children().isEmpty() && childQueue == null) {
            throw new IllegalStateException("chunk " + chunk.name() + " of run " + run.runId() + " has children, and this worker "
                    + "was given no queue to send them to");
        }
        Optional<Map<String, String>> existing = counted.head(run.partKey(chunk.name()));
        if (existing.isPresent()) {
            Optional<Success> completed = alreadyWritten(bronze, completion, chunk, existing.get());
            return new ChunkResult(run, chunk.index(), 0, Map.of(), 0, 0, 0, 0,
                    fetcher.ticker().millisSince(start), completed, 0, 0);
        }
        Manifest manifest = manifest(counted, run);
        // Counted for the level's _SUCCESS: how far child chunks overlap their parent level.
        Boolean beforeParentLevel = chunk.origin() == null ? null : !counted.exists(chunk.origin().parentRun().successKey());
        PartTally.Counting counting = RunCompletion.counting(manifest);
        Instant startDeadline = invocationEnd.minusSeconds(chunk.fetch().timeoutSeconds()).minus(WRITE_MARGIN);
        FetchReport report;
        ChunkProgress earlier;
        AtomicInteger throttled = new AtomicInteger();
        AtomicInteger retryAfterPauses = new AtomicInteger();
        List<String> segments;
        // The job's own chunks without children: the part carries its summary in its metadata, written as one.
        boolean partsCarry = chunk.origin() == null && chunk.children().isEmpty() && counted.keepsMetadata();
        Map<String, String> metadata = Map.of();
        boolean wrote;
        // Every record goes to local disk as it ends, earlier invocations' too: the part is written from
        // there, so a chunk of large bodies never holds them all in memory.
        try (PartSpill spill = PartSpill.create(mapper);
             CheckpointLog checkpoint = new CheckpointLog(bronze, run, chunk.name(), clock, fetcher.ticker(),
                     Duration.ofMillis(chunk.fetch().checkpointIntervalMillis()))) {
            // What the spill keeps is what the part holds: counted for its summary as it comes. The spill
            // takes its own lock for the write; the count is guarded here, briefly, with no I/O under it.
            java.util.function.Consumer<BronzeRecord> keep = fetched -> {
                BronzeRecord record = withParent(chunk, fetched);
                if (spill.add(record)) {
                    synchronized (counting) {
                        counting.add(record);
                    }
                }
            };
            earlier = CheckpointLog.read(bronze, run, chunk.name(), keep);
            List<RequestSpec> todo = chunk.requests().stream().filter(r -> !earlier.finished().contains(r.id())).toList();
            report = fetcher.fetchAll(run, todo, earlier.resumeAt(), chunk.fetchShare(), startDeadline, new FetchProgress() {
                @Override
                public void fetched(BronzeRecord record, URI next) throws InterruptedException {
                    fetched(record, next, null);
                }

                @Override
                public void fetched(BronzeRecord record, URI next, String nextToken) throws InterruptedException {
                    keep.accept(record);
                    checkpoint.fetched(record, next, nextToken);
                    onRecord.accept(record);
                }

                @Override
                public boolean keepsBodies() {
                    return true;
                }

                @Override
                public void answered(int status, boolean pausedHost) {
                    if (status == 429) {
                        throttled.incrementAndGet();
                    }
                    if (pausedHost) {
                        retryAfterPauses.incrementAndGet();
                    }
                }
            });
            // A record the fetcher made itself (an internal error) never went through progress; the rest
            // are in the spill already, and their bodiless copies here are skipped as repeats.
            report.records().forEach(keep);
            if (!report.complete()) {
                checkpoint.seal();
                long chains = report.unfinished().stream().filter(r -> r.paginate() != null).count();
                throw new ChunkIncompleteException("chunk " + chunk.index() + " of run " + run.runId() + ": "
                        + report.unfinished().size() + " of " + chunk.requests().size()
                        + " requests unfinished at the worker's deadline or a host's Retry-After (" + chains
                        + " of them paginated, to go on from their next page); "
                        + (earlier.records().size() + report.records().size()) + " records kept in the checkpoint",
                        !report.records().isEmpty(), report.retryAfter());
            }
            // No segment after this: what the log holds unwritten goes into the part (if the part fails, the
            // chunk goes back and fetches it again, as after a kill), and the chunk's count of requests is final.
            checkpoint.close();
            segments = java.util.stream.Stream.concat(earlier.segments().stream(), checkpoint.segments().stream()).toList();
            if (partsCarry) {
                // Counted in advance: the part's PUT, removing the segments, and the completion check's LIST after.
                S3Requests requests = counted.counted().plus(S3Requests.Kind.PUT, "parts", 1).plus(S3Requests.Kind.LIST, "parts", 1);
                if (!segments.isEmpty()) {
                    requests = requests.plus(S3Requests.Kind.DELETE, "checkpoints", (segments.size() + 999) / 1000);
                }
                metadata = completion.asMetadata(new PartSummary(chunk.index(), counting.tally(), requests));
            }
            // If-None-Match: of two deliveries of one chunk racing, the first complete part stays.
            wrote = metadata.isEmpty() ? counted.putIfAbsent(run.partKey(chunk.name()), spill.part(chunk.requests()))
                    : counted.putIfAbsent(run.partKey(chunk.name()), spill.part(chunk.requests()), metadata);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checkpointing chunk " + chunk.index(), e);
        }
        Optional<Success> completed;
        if (wrote) {
            // By the keys this delivery read and wrote: no LIST. A racing delivery's segments are removed by it,
            // when it finds the part written.
            if (!segments.isEmpty()) {
                counted.deleteAll(segments);
            }
            if (metadata.isEmpty()) {
                // Children before the summary: a summary that says they were sent is what a redelivery trusts.
                Map<String, dev.fetchfleet.run.ChildrenSent> children = chunk.children().isEmpty() ? null : emitter(counted).emit(chunk, false);
                // Its own PUT and the completion check's LIST after it are counted in advance: nothing counts them later.
                completion.writeSummary(run, new PartSummary(chunk.index(), counting.tally(), counted.counted()
                        .plus(S3Requests.Kind.PUT, "part_summaries", 1).plus(S3Requests.Kind.LIST, partsCarry ? "parts" : "part_summaries", 1))
                        .withChildren(chunk.origin() == null ? null : chunk.name(), children, beforeParentLevel));
            }
            completed = done(counted, completion, chunk, partsCarry);
        } else {
            // The other delivery's part stays, and its summary.
            completed = alreadyWritten(bronze, completion, chunk, counted.head(run.partKey(chunk.name())).orElse(Map.of()));
        }

        Map<String, Long> counts = new TreeMap<>();
        int responded = 0;
        long totalLatency = 0;
        long maxLatency = 0;
        for (BronzeRecord record : report.records()) {
            counts.merge(record.statusKey(), 1L, Long::sum);
            if (record.status() != null) {
                responded++;
            }
            totalLatency += record.durationMs();
            maxLatency = Math.max(maxLatency, record.durationMs());
        }
        int n = report.records().size();
        return new ChunkResult(chunk.run(), chunk.index(), n, counts, responded, n - responded,
                n == 0 ? 0 : (double) totalLatency / n, maxLatency,
                fetcher.ticker().millisSince(start), completed, throttled.get(), retryAfterPauses.get());
    }

    /**
     * A chunk whose part exists (a redelivery, a duplicate delivery): removes what a racing delivery left in
     * its checkpoint, writes its summary if the worker that wrote the part died before it, and checks for
     * completion.
     */
    private Optional<Success> alreadyWritten(BronzeWriter bronze, RunCompletion completion, Chunk chunk, Map<String, String> partMetadata) {
        RunRef run = chunk.run();
        CheckpointLog.delete(bronze, run, chunk.name());
        if (chunk.children().isEmpty() && chunk.origin() == null) {
            // The job's own chunk without children: its part carries its summary, or a HEAD says whether its summary is there.
            if (!partMetadata.containsKey(RunCompletion.SUMMARY_METADATA) && !completion.hasSummary(run, chunk.index())) {
                completion.writeSummary(run, completion.summarise(run, chunk.index(), manifest(bronze.store(), run)));
            }
            return done(bronze.store(), completion, chunk, bronze.store().keepsMetadata());
        }
        Optional<PartSummary> summary = completion.summary(run, chunk.name());
        // A parent's children are sent again (the same chunks, by name): the first delivery may have died before
        // sending them, or a resumed run's queue lost them; a child whose part and summary exist is not sent.
        Map<String, dev.fetchfleet.run.ChildrenSent> children = chunk.children().isEmpty() ? null
                : emitter(bronze.store()).emit(chunk, true);
        if (summary.isEmpty() || (children != null && summary.get().children() == null)) {
            PartSummary made = summary.orElseGet(() -> chunk.origin() == null
                    ? completion.summarise(run, chunk.index(), manifest(bronze.store(), run))
                    : completion.summarise(run, chunk.name(), chunk.index(), manifest(bronze.store(), run)));
            completion.writeSummary(run, made.withChildren(chunk.origin() == null ? null : chunk.name(), children,
                    made.beforeParentLevel()));
        }
        return done(bronze.store(), completion, chunk, false);
    }

    /**
     * After a chunk's summary: completes the job's level when it was the last part, or a child level likewise.
     * {@code partsCarry}: the level's parts carry their summaries, so its parts are listed rather than summaries.
     */
    private Optional<Success> done(dev.fetchfleet.bronze.BronzeStore store, RunCompletion completion, Chunk chunk, boolean partsCarry) {
        if (chunk.origin() == null) {
            return completion.partDone(chunk.run(), chunk.index(), chunk.chunkCount(), partsCarry);
        }
        return new dev.fetchfleet.run.LevelCompletion(store, mapper, clock).levelDone(chunk.run());
    }

    private ChildEmitter emitter(dev.fetchfleet.bronze.BronzeStore store) {
        return new ChildEmitter(new BronzeWriter(store, mapper), messages, childQueue);
    }

    /** A child request's record carries its parent (a record read back from a checkpoint may have it already). */
    private static BronzeRecord withParent(Chunk chunk, BronzeRecord record) {
        if (chunk.parents().isEmpty() || record.parent() != null) {
            return record;
        }
        dev.fetchfleet.bronze.ParentRef parent = chunk.parents().get(record.requestId());
        return parent == null ? record : record.withParent(parent);
    }

    /** A run's manifest, read once per worker instance: it does not change once written, and every chunk needs it. */
    private Manifest manifest(BronzeStore store, RunRef run) {
        Manifest cached = manifests.get(run);
        if (cached == null) {
            cached = new RunFiles(store, mapper).manifest(run);
            if (manifests.size() > 64) {
                manifests.clear();
            }
            manifests.put(run, cached);
        }
        return cached;
    }

    private final Map<RunRef, Manifest> manifests = new java.util.concurrent.ConcurrentHashMap<>();

    public Clock clock() {
        return clock;
    }
}
