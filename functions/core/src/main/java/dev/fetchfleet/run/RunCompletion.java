package dev.fetchfleet.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.WireFormat;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.CountingStore;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.bronze.S3Requests;
import dev.fetchfleet.job.FailureTolerance;
import dev.fetchfleet.job.Incremental;
import dev.fetchfleet.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Decides when a run is complete: writes {@code _SUCCESS} once every part and its summary exist, and moves
 * the source's incremental state when the run allows it. It reads the parts' summaries, never the parts
 * (but for parts written before summaries existed), and only after winning the one right to complete. On
 * the job's own level without children a part carries its summary in its metadata ({@link #asMetadata}), read
 * with a HEAD; elsewhere (children to send first, a summary past S3's 2 KB of metadata) it is an object of its own.
 *
 * <p>The trigger: each worker, after writing its part's summary, lists its group of a thousand summaries
 * (of parts, where parts carry them);
 * the one that sees its group whole marks the group done and lists the groups' marks. As every worker lists
 * after its own write, and S3 lists what was written before, the last writer of a group (and of the last
 * group) sees it whole: one LIST per chunk, however many chunks. The claim: a conditional PUT of
 * {@link RunRef#completionClaimKey()} ({@code If-None-Match: *}: AWS S3, S3Mock 5.2 and moto 5.2 refuse it
 * with 412 when the key exists; the local store links a file, which fails when the target exists), read
 * back after a moment, as S3Mock's check is not atomic (see {@link #claim}). A
 * claim older than {@link #CLAIM_LEASE} that does not say its completion finished was left by a worker that
 * died while completing: it is taken over with a compare-and-set on its ETag. Died after {@code _SUCCESS},
 * before the state moved, its taker moves the state; the claim says {@code completed_at} once all is done.
 */
public final class RunCompletion {

    /**
     * Longer than a completion takes (reading 10,000 summaries 32 at a time is seconds), and short: a claimant
     * killed mid-completion holds a resumed run back this long. Two completers past it cannot both complete:
     * {@code _SUCCESS} is written only if absent, and only the worker whose write won moves the state (or, when
     * that worker's state write failed, the next completion: see {@link #complete}).
     */
    static final Duration CLAIM_LEASE = Duration.ofSeconds(30);
    private static final int PARALLEL_READS = 32;

    private final BronzeStore store;
    private final ObjectMapper mapper;
    private final Clock clock;

    public RunCompletion(BronzeStore store, ObjectMapper mapper, Clock clock) {
        this.store = store;
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * Counts a part's records as its summary wants them: with the incremental value the manifest's settings
     * names, if any, so completion finds the run's largest without reading a part.
     */
    public static PartTally.Counting counting(Manifest manifest) {
        Incremental incremental = manifest.incremental();
        return new PartTally.Counting(incremental == null ? null : incremental.itemsPath(),
                incremental == null ? null : incremental.valuePath());
    }

    /** Writes a part's summary; the part must be written first, as a summary says its part is there. */
    public void writeSummary(RunRef run, PartSummary summary) {
        store.put(run.summaryKey(summary.chunkName()), toJson(summary));
    }

    /** The user metadata name under which a part carries its summary (on S3 {@code x-amz-meta-fetchfleet-summary}). */
    public static final String SUMMARY_METADATA = "fetchfleet-summary";

    /**
     * A part's summary as its part's own metadata: the summary's JSON, non-ASCII escaped (a header carries
     * ASCII only). Empty when it would pass S3's limit on metadata ({@link BronzeStore#METADATA_BYTES}, counted
     * with the {@code x-amz-meta-} prefix to be safe): then the summary is written as an object of its own.
     */
    public Map<String, String> asMetadata(PartSummary summary) {
        String json;
        try {
            json = mapper.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
                    .writeValueAsString(WireFormat.PART_SUMMARY.stamp(mapper.valueToTree(summary)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ("x-amz-meta-" + SUMMARY_METADATA).length() + json.length() <= BronzeStore.METADATA_BYTES
                ? Map.of(SUMMARY_METADATA, json) : Map.of();
    }

    /** The summary a part carries in its metadata ({@link #asMetadata}), if it carries one. */
    public Optional<PartSummary> carried(String partKey, Map<String, String> metadata) {
        String json = metadata.get(SUMMARY_METADATA);
        return json == null ? Optional.empty() : Optional.ofNullable(fromJson(partKey, json.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    /**
     * Of {@code chunks}, those whose part carries its summary: a HEAD each, {@link #PARALLEL_READS} at a time.
     * For a resume, which sends again a part without a summary object unless its part carries one.
     */
    public java.util.BitSet carrySummaries(RunRef run, java.util.BitSet chunks) {
        java.util.BitSet carrying = new java.util.BitSet();
        Semaphore reads = new Semaphore(PARALLEL_READS);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            chunks.stream().forEach(chunk -> threads.submit(() -> {
                reads.acquire();
                try {
                    boolean carries = store.head(run.partKey(chunk)).map(m -> m.containsKey(SUMMARY_METADATA)).orElse(false);
                    if (carries) {
                        synchronized (carrying) {
                            carrying.set(chunk);
                        }
                    }
                    return null;
                } finally {
                    reads.release();
                }
            }));
        }
        return carrying;
    }

    /** Whether a part's summary exists (a worker may die between its part and its summary). */
    public boolean hasSummary(RunRef run, int chunk) {
        return store.exists(run.summaryKey(chunk));
    }

    /** A part's summary, if written (a child chunk's by its name). */
    public Optional<PartSummary> summary(RunRef run, String chunkName) {
        return store.get(run.summaryKey(chunkName)).map(bytes -> fromJson(run.summaryKey(chunkName), bytes));
    }

    /** A child chunk's part summarised from the part, for a part whose worker died before its summary. */
    public PartSummary summarise(RunRef run, String chunkName, int index, Manifest manifest) {
        PartTally.Counting counting = counting(manifest);
        new BronzeWriter(store, mapper).forEachLine(run.partKey(chunkName), BronzeRecord.class, counting::add);
        return new PartSummary(index, counting.tally(), S3Requests.NONE);
    }

    /** A part's summary made from the part itself: for a part whose worker died before writing one. */
    public PartSummary summarise(RunRef run, int chunk, Manifest manifest) {
        PartTally.Counting counting = counting(manifest);
        new BronzeWriter(store, mapper).forEachLine(run.partKey(chunk), BronzeRecord.class, counting::add);
        return new PartSummary(chunk, counting.tally(), S3Requests.NONE);
    }

    /**
     * Called by a worker once its part's summary is written: completes the run when that summary was the
     * last one missing. Lists one group of summaries (and, past a thousand chunks, the groups' marks).
     */
    public Optional<Success> partDone(RunRef run, int chunk, int chunkCount) {
        return partDone(run, chunk, chunkCount, false);
    }

    /**
     * As {@link #partDone(RunRef, int, int)}; {@code partsCarrySummaries}: the run's parts carry their summaries
     * ({@link #asMetadata}), so the group listed is of parts, as a part and its summary are written as one.
     * (A part whose summary did not fit is seen before its summary object; should that race make a worker
     * complete the run, it summarises that one part from the part itself.)
     */
    public Optional<Success> partDone(RunRef run, int chunk, int chunkCount, boolean partsCarrySummaries) {
        if (chunkCount <= 0) {
            return completeIfDone(run); // a chunk message that did not say how many chunks the run has
        }
        // Not counted here: the worker counted this LIST in its summary, and completion adds the groups' marks.
        int group = chunk / RunRef.SUMMARY_GROUP;
        int first = group * RunRef.SUMMARY_GROUP;
        int inGroup = Math.min(RunRef.SUMMARY_GROUP, chunkCount - first);
        String listed = partsCarrySummaries ? run.partGroupPrefix(group) : run.summaryGroupPrefix(group);
        long present = store.list(listed).stream().filter(key -> {
            int index = partsCarrySummaries ? partIndex(key) : summaryIndex(key);
            return index >= first && index < first + inGroup;
        }).count();
        if (present < inGroup) {
            return Optional.empty();
        }
        int groups = groups(chunkCount);
        if (groups > 1) {
            store.put(run.summaryGroupDoneKey(group), new byte[0]);
            if (store.list(run.summaryGroupsDonePrefix()).size() < groups) {
                return Optional.empty();
            }
        }
        return complete(new CountingStore(store), run, null, partsCarrySummaries);
    }

    private static int groups(int chunks) {
        return (chunks + RunRef.SUMMARY_GROUP - 1) / RunRef.SUMMARY_GROUP;
    }

    /**
     * Writes {@code _SUCCESS} if every part of the run now exists and nobody wrote it yet (a resumed run
     * whose parts are all there). Lists the run's parts; reads only the summaries, but for a part that has
     * none (written before summaries existed, or by a worker that died before its summary).
     */
    public Optional<Success> completeIfDone(RunRef run) {
        CountingStore counted = new CountingStore(store);
        Manifest manifest = new RunFiles(counted, mapper).manifest(run);
        if (new BronzeWriter(counted, mapper).partKeys(run).size() < manifest.chunks()) {
            return Optional.empty();
        }
        return complete(counted, run, manifest, store.keepsMetadata()); // a resume: parts of either kind
    }

    /**
     * Wins the right to complete, then reads the summaries and writes {@code _SUCCESS}; only that one
     * worker moves the source's state: forward, and only when no more requests failed than the job's
     * {@code incremental.tolerateFailures} allows, so the next run asks again for what this one missed.
     */
    Optional<Success> complete(CountingStore counted, RunRef run, Manifest known) {
        return complete(counted, run, known, false);
    }

    /** {@code partsCarry}: look first for each summary in its part's metadata, then for an object of its own. */
    Optional<Success> complete(CountingStore counted, RunRef run, Manifest known, boolean partsCarry) {
        if (!claim(counted, run)) {
            return Optional.empty();
        }
        try {
            Manifest manifest = known != null ? known : new RunFiles(counted, mapper).manifest(run);
            List<PartSummary> summaries = readSummaries(counted, run, manifest, partsCarry);
            if (summaries == null) {
                counted.delete(run.completionClaimKey()); // a part is missing after all: someone else completes later
                return Optional.empty();
            }
            PartTally tally = PartTally.NONE;
            S3Requests requests = manifest.s3Requests() == null ? S3Requests.NONE : manifest.s3Requests();
            for (PartSummary summary : summaries) {
                tally = tally.plus(summary.tally());
                requests = requests.plus(summary.s3Requests());
            }
            Success success = LevelCompletion.withChildren(success(run, manifest, tally, requests, counted), manifest, summaries);
            if (!new RunFiles(counted, mapper).writeSuccessIfAbsent(run, success)) {
                // Written by a completer whose state write failed after it (its error let the claim go, and this
                // completion took it): its _SUCCESS says the state moved, and no one else would move it. Moving it
                // again is harmless: values only go forward, and the last success only to a later start.
                // The same for a completer killed between the two (its claim taken over past the lease, see claim()).
                Optional<Success> written = new RunFiles(counted, mapper).readSuccess(run);
                if (manifest.parentSource() == null && written.isPresent() && written.get().state() != null && written.get().state().advanced()) {
                    advanceState(run, manifest, tally);
                }
                markCompleted(counted, run);
                return Optional.empty();
            }
            new LevelCompletion(store, mapper, clock).announce(run, manifest, success);
            if (manifest.parentSource() == null && success.state().advanced()) { // a child level has no state of its own
                advanceState(run, manifest, tally);
            }
            markCompleted(counted, run);
            return Optional.of(success);
        } catch (RuntimeException e) {
            counted.delete(run.completionClaimKey()); // let another worker complete instead
            throw e;
        }
    }

    /**
     * The claim rewritten to say its completion finished, state and all: a later completer (a redelivery) then
     * leaves the run be, where a claim left as it was says its claimant may have died before moving the state.
     */
    private void markCompleted(CountingStore counted, RunRef run) {
        counted.put(run.completionClaimKey(), toJson(Map.of(COMPLETED_AT, clock.instant().toString())));
    }

    private static final String COMPLETED_AT = "completed_at";

    private void advanceState(RunRef run, Manifest manifest, PartTally tally) {
        Incremental incremental = manifest.incremental();
        new StateStore(store, mapper).advance(run.source(), incremental == null ? null : incremental.name(), tally.largest(),
                manifest.startedAt().toString(), run.runId());
    }

    private Success success(RunRef run, Manifest manifest, PartTally tally, S3Requests requests, CountingStore counted) {
        Incremental incremental = manifest.incremental();
        FailureTolerance tolerance = incremental == null ? FailureTolerance.NONE : incremental.tolerateFailures();
        long failed = tally.failedRequests();
        String failures = failed + " of " + tally.requests() + " requests failed (" + tally.noAnswer() + " records without an answer, "
                + tally.refused() + " with a 5xx or 429 after their retries, " + tally.cut() + " ending a chain early)";
        Success.StateMove move = failed == 0
                ? new Success.StateMove(true, "no request failed")
                : tolerance.allows(failed, tally.requests())
                ? new Success.StateMove(true, failures + ", within incremental.tolerateFailures (" + tolerance + ")")
                : new Success.StateMove(false, "held: " + failures + ", more than incremental.tolerateFailures ("
                + tolerance + ") allows; the next run starts from the same state");
        // Past a thousand chunks each group is marked and the marks listed, once per group (more only when
        // a group's last summaries race): in no summary, so counted here; then this completion's own, and _SUCCESS.
        long groups = groups(manifest.chunks());
        S3Requests total = requests
                .plus(groups > 1 ? new S3Requests(Map.of("PUT", Map.of("markers", groups), "LIST", Map.of("markers", groups)))
                        : S3Requests.NONE)
                .plus(counted.counted())
                .plus(S3Requests.Kind.PUT, "markers", 1);
        return new Success(run.runId(), run.source(), tally.requests(), tally.records(), manifest.chunks(),
                tally.statusCounts(), manifest.startedAt(), clock.instant(), failed, move, total);
    }

    /**
     * The right to complete: exactly one worker gets it, and a dead one's is taken over after the lease.
     * A conditional PUT decides it where the store's check is atomic (AWS S3, moto, a directory). S3Mock
     * 5.2.0 checks {@code If-None-Match} but not atomically: of 16 racing PUTs all 16 were accepted. So the
     * winner waits {@link #CLAIM_SETTLE} and reads the claim back: racing writes have landed by then, the
     * object holds one of them, and only the worker whose token it holds goes on.
     */
    private boolean claim(CountingStore counted, RunRef run) {
        String token = UUID.randomUUID().toString();
        byte[] mine = toJson(Map.of("claimant", token, "claimed_at", clock.instant().toString()));
        if (counted.putIfAbsent(run.completionClaimKey(), mine)) {
            return heldBy(counted, run, token);
        }
        Optional<BronzeStore.Versioned> held = counted.getVersioned(run.completionClaimKey());
        if (held.isEmpty()) {
            return counted.putIfAbsent(run.completionClaimKey(), mine) && heldBy(counted, run, token); // released since
        }
        Instant claimedAt;
        try {
            JsonNode claim = mapper.readTree(held.get().bytes());
            if (claim.hasNonNull(COMPLETED_AT)) {
                return false; // completed, state and all: the usual case for a worker that was not last
            }
            claimedAt = Instant.parse(claim.path("claimed_at").asText());
        } catch (IOException | RuntimeException unreadable) {
            claimedAt = Instant.EPOCH;
        }
        if (Duration.between(claimedAt, clock.instant()).compareTo(CLAIM_LEASE) < 0) {
            return false; // another worker is completing now
        }
        // Its claimant died while completing: before _SUCCESS, or after it and before the state moved (or
        // before a run of an earlier version marked its claim). complete() finds which.
        return counted.putIfVersion(run.completionClaimKey(), mine, held.get().version()) && heldBy(counted, run, token);
    }

    /** How long a claimant waits before reading its claim back: longer than racing PUTs take to land. */
    static final Duration CLAIM_SETTLE = Duration.ofMillis(250);

    private boolean heldBy(CountingStore counted, RunRef run, String token) {
        try {
            Thread.sleep(CLAIM_SETTLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return counted.get(run.completionClaimKey()).map(bytes -> {
            try {
                return token.equals(mapper.readTree(bytes).path("claimant").asText());
            } catch (IOException e) {
                return false;
            }
        }).orElse(false);
    }

    /** Every chunk's summary, read side by side; a part without one is summarised from the part; null when a part is missing. */
    private List<PartSummary> readSummaries(CountingStore counted, RunRef run, Manifest manifest, boolean partsCarry) {
        Semaphore reads = new Semaphore(PARALLEL_READS);
        List<Future<PartSummary>> futures = new ArrayList<>();
        // A child level's chunks are named by their parent parts: its summaries are listed, and there must be as many as announced.
        List<String> keys = manifest.parentSource() != null ? LevelCompletion.summaryKeys(counted, run) : null;
        if (keys != null && keys.size() < LevelCompletion.announced(counted, mapper, run).chunks()) {
            return null;
        }
        boolean sendsChildren = !manifest.children().isEmpty();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int chunk = 0; chunk < (keys != null ? keys.size() : manifest.chunks()); chunk++) {
                int index = chunk;
                String key = keys != null ? keys.get(chunk) : run.summaryKey(chunk);
                futures.add(threads.submit(() -> {
                    reads.acquire();
                    try {
                        if (partsCarry && keys == null && !sendsChildren) {
                            return ownSummary(counted, run, index, manifest);
                        }
                        Optional<byte[]> bytes = counted.get(key);
                        if (bytes.isPresent()) {
                            PartSummary summary = fromJson(key, bytes.get());
                            // On a level with children, a summary is complete only once it says they were sent.
                            return sendsChildren && summary.children() == null ? null : summary;
                        }
                        if (keys != null || sendsChildren || !counted.exists(run.partKey(index))) {
                            return null;
                        }
                        PartSummary made = new RunCompletion(counted, mapper, clock).summarise(run, index, manifest);
                        new RunCompletion(counted, mapper, clock).writeSummary(run, made);
                        return made;
                    } finally {
                        reads.release();
                    }
                }));
            }
        }
        List<PartSummary> summaries = new ArrayList<>();
        for (Future<PartSummary> future : futures) {
            try {
                PartSummary summary = future.get();
                if (summary == null) {
                    return null;
                }
                summaries.add(summary);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading part summaries", e);
            }
        }
        return summaries;
    }

    /**
     * A chunk's summary on the job's own level without children: the one its part carries (read with a HEAD),
     * else its summary object (a summary too large for metadata, a part written before parts carried them),
     * else made from the part (its worker died before the summary object); null when the part is missing.
     */
    private PartSummary ownSummary(CountingStore counted, RunRef run, int chunk, Manifest manifest) {
        String partKey = run.partKey(chunk);
        Optional<Map<String, String>> part = counted.head(partKey);
        if (part.isEmpty()) {
            return null;
        }
        Optional<PartSummary> carried;
        try {
            carried = carried(partKey, part.get()).filter(summary -> summary.tally() != null);
        } catch (UncheckedIOException unreadable) {
            // Metadata that does not read as a summary (cut short, not JSON, no tally: a strange answer from the store) would
            // fail every completion, with every part there: the part itself says what its summary would have.
            // A summary of a newer format (WireFormat.Refused) is not this: it stays refused, for a newer worker.
            carried = Optional.empty();
        }
        if (carried.isPresent()) {
            return carried.get();
        }
        Optional<byte[]> bytes = counted.get(run.summaryKey(chunk));
        if (bytes.isPresent()) {
            return fromJson(run.summaryKey(chunk), bytes.get());
        }
        PartSummary made = new RunCompletion(counted, mapper, clock).summarise(run, chunk, manifest);
        new RunCompletion(counted, mapper, clock).writeSummary(run, made);
        return made;
    }

    private static int partIndex(String key) {
        return index(key, "part-", ".jsonl.gz");
    }

    private static int summaryIndex(String key) {
        return index(key, "summary-", ".json");
    }

    /** The number in a key's last segment {@code <prefix>NNNNN<suffix>}; -1 for any other name. */
    private static int index(String key, String prefix, String suffix) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        if (!name.startsWith(prefix) || !name.endsWith(suffix)) {
            return -1;
        }
        try {
            return Integer.parseInt(name.substring(prefix.length(), name.length() - suffix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private byte[] toJson(Object value) {
        try {
            Object stamped = value instanceof PartSummary ? WireFormat.PART_SUMMARY.stamp(mapper.valueToTree(value)) : value;
            return mapper.writeValueAsBytes(stamped);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PartSummary fromJson(String key, byte[] bytes) {
        try {
            return mapper.treeToValue(WireFormat.PART_SUMMARY.check(mapper.readTree(bytes)), PartSummary.class);
        } catch (WireFormat.Refused refused) {
            throw refused.at(store.locate(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the part summary at " + store.locate(key), e);
        }
    }
}
