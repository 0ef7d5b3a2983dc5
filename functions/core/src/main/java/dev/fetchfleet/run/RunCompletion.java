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
 * (but for parts written before summaries existed), and only after winning the one right to complete.
 *
 * <p>The trigger: each worker, after writing its part's summary, lists its group of a thousand summaries;
 * the one that sees its group whole marks the group done and lists the groups' marks. As every worker lists
 * after its own write, and S3 lists what was written before, the last writer of a group (and of the last
 * group) sees it whole: one LIST per chunk, however many chunks. The claim: a conditional PUT of
 * {@link RunRef#completionClaimKey()} ({@code If-None-Match: *}: AWS S3, S3Mock 5.2 and moto 5.2 refuse it
 * with 412 when the key exists; the local store links a file, which fails when the target exists), read
 * back after a moment, as S3Mock's check is not atomic (see {@link #claim}). A
 * claim older than {@link #CLAIM_LEASE} whose run has no {@code _SUCCESS} was left by a worker that died
 * while completing: it is taken over with a compare-and-set on its ETag.
 */
public final class RunCompletion {

    /** Longer than any completion takes (reading 10,000 summaries 32 at a time is seconds). */
    static final Duration CLAIM_LEASE = Duration.ofMinutes(5);
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
        if (chunkCount <= 0) {
            return completeIfDone(run); // a chunk message that did not say how many chunks the run has
        }
        // Not counted here: the worker counted this LIST in its summary, and completion adds the groups' marks.
        int group = chunk / RunRef.SUMMARY_GROUP;
        int first = group * RunRef.SUMMARY_GROUP;
        int inGroup = Math.min(RunRef.SUMMARY_GROUP, chunkCount - first);
        long present = store.list(run.summaryGroupPrefix(group)).stream().filter(key -> {
            int index = summaryIndex(key);
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
        return complete(new CountingStore(store), run, null);
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
        return complete(counted, run, manifest);
    }

    /**
     * Wins the right to complete, then reads the summaries and writes {@code _SUCCESS}; only that one
     * worker moves the source's state: forward, and only when no more requests failed than the job's
     * {@code incremental.tolerateFailures} allows, so the next run asks again for what this one missed.
     */
    Optional<Success> complete(CountingStore counted, RunRef run, Manifest known) {
        if (!claim(counted, run)) {
            return Optional.empty();
        }
        try {
            Manifest manifest = known != null ? known : new RunFiles(counted, mapper).manifest(run);
            List<PartSummary> summaries = readSummaries(counted, run, manifest);
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
                return Optional.empty();
            }
            new LevelCompletion(store, mapper, clock).announce(run, manifest, success);
            if (manifest.parentSource() != null) {
                return Optional.of(success); // a child level has no state of its own
            }
            if (success.state().advanced()) {
                Incremental incremental = manifest.incremental();
                new StateStore(store, mapper).advance(run.source(),
                        incremental == null ? null : incremental.name(), tally.largest(),
                        manifest.startedAt().toString(), run.runId());
            }
            return Optional.of(success);
        } catch (RuntimeException e) {
            counted.delete(run.completionClaimKey()); // let another worker complete instead
            throw e;
        }
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
        if (counted.exists(run.successKey())) {
            return false; // completed: the usual case for a worker that was not last
        }
        Optional<BronzeStore.Versioned> held = counted.getVersioned(run.completionClaimKey());
        if (held.isEmpty()) {
            return counted.putIfAbsent(run.completionClaimKey(), mine) && heldBy(counted, run, token); // released since
        }
        Instant claimedAt;
        try {
            claimedAt = Instant.parse(mapper.readTree(held.get().bytes()).path("claimed_at").asText());
        } catch (IOException | RuntimeException unreadable) {
            claimedAt = Instant.EPOCH;
        }
        if (Duration.between(claimedAt, clock.instant()).compareTo(CLAIM_LEASE) < 0) {
            return false; // another worker is completing now
        }
        return counted.putIfVersion(run.completionClaimKey(), mine, held.get().version())
                && heldBy(counted, run, token) && !counted.exists(run.successKey());
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
    private List<PartSummary> readSummaries(CountingStore counted, RunRef run, Manifest manifest) {
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

    private static int summaryIndex(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        if (!name.startsWith("summary-") || !name.endsWith(".json")) {
            return -1;
        }
        try {
            return Integer.parseInt(name.substring("summary-".length(), name.length() - ".json".length()));
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
