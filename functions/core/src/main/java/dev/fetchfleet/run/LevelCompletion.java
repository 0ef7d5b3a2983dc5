package dev.fetchfleet.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.CountingStore;
import dev.fetchfleet.bronze.RunRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Completes the levels of a job with children. A child level's chunks are not known when the run starts:
 * each parent part's summary says how many it sent ({@link PartSummary#children()}), and once the parent
 * level is complete its completer writes the total into the child level ({@code _summaries/_announced.json}).
 * A child level is complete when its parent level is and it has that many summaries; then it gets its
 * {@code _SUCCESS} the way a job's own level does (one claim, summaries summed), and announces its own children.
 *
 * <p>The trigger: every child part's worker checks its level after writing its summary (a GET of the
 * announcement and a LIST of the level's summaries), and the parent level's completer checks each child level
 * once it has announced it, so whichever comes last (the last child part, or the parent level) completes it.
 */
public final class LevelCompletion {

    private final BronzeStore store;
    private final ObjectMapper mapper;
    private final Clock clock;

    public LevelCompletion(BronzeStore store, ObjectMapper mapper, Clock clock) {
        this.store = store;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** A child level's chunk is done: completes the level if its parent level is, and this was its last summary. */
    public Optional<Success> levelDone(RunRef level) {
        CountingStore counted = new CountingStore(store);
        if (counted.exists(level.successKey())) {
            return Optional.empty();
        }
        Optional<ChildrenSent> announced = readAnnounced(counted, mapper, level);
        if (announced.isEmpty() || summaryKeys(counted, level).size() < announced.get().chunks()) {
            return Optional.empty();
        }
        return new RunCompletion(store, mapper, clock).complete(counted, level, null);
    }

    /**
     * A level's {@code _SUCCESS} is written: tells each child level how many chunks to expect, then checks it
     * (its parts may all be there already, or there may be none). Idempotent: the same totals every time.
     */
    void announce(RunRef run, Manifest manifest, Success success) {
        for (String child : manifest.children()) {
            RunRef level = new RunRef(child, run.ingestDate(), run.runId());
            ChildrenSent sent = success.children() == null ? ChildrenSent.NONE : success.children().getOrDefault(child, ChildrenSent.NONE);
            try {
                store.put(level.announcedKey(), mapper.writeValueAsBytes(sent));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            levelDone(level);
        }
    }

    /**
     * Finishes what a run killed midway left: every complete level announces its children again and each is
     * checked, top down (a resumed run whose parts are all written). Returns whether every level is complete.
     */
    public boolean settle(RunRef run) {
        RunFiles files = new RunFiles(store, mapper);
        Optional<Manifest> manifest = files.readManifest(run);
        if (manifest.isEmpty()) {
            return false;
        }
        Optional<Success> success = files.readSuccess(run);
        if (success.isEmpty()) {
            success = manifest.get().parentSource() == null ? new RunCompletion(store, mapper, clock).completeIfDone(run) : levelDone(run);
        }
        if (success.isEmpty()) {
            return false;
        }
        announce(run, manifest.get(), success.get());
        boolean all = true;
        for (String child : manifest.get().children()) {
            all &= settle(new RunRef(child, run.ingestDate(), run.runId()));
        }
        return all;
    }

    /** Every level of a run, the job's own first, then each child level depth first (from the manifests). */
    public List<RunRef> levels(RunRef run) {
        List<RunRef> all = new java.util.ArrayList<>();
        all.add(run);
        new RunFiles(store, mapper).readManifest(run).ifPresent(m -> m.children()
                .forEach(child -> all.addAll(levels(new RunRef(child, run.ingestDate(), run.runId())))));
        return all;
    }

    /** The child totals of a level's summaries, and for a child level its chunk count and how many started early. */
    static Success withChildren(Success success, Manifest manifest, List<PartSummary> summaries) {
        Map<String, ChildrenSent> sent = null;
        if (!manifest.children().isEmpty()) {
            sent = new LinkedHashMap<>();
            for (String child : manifest.children()) {
                sent.put(child, ChildrenSent.NONE);
            }
            for (PartSummary summary : summaries) {
                if (summary.children() != null) {
                    for (Map.Entry<String, ChildrenSent> entry : summary.children().entrySet()) {
                        sent.merge(entry.getKey(), entry.getValue(), ChildrenSent::plus);
                    }
                }
            }
        }
        if (manifest.parentSource() == null) {
            return sent == null ? success : success.withChildren(sent, null);
        }
        long early = summaries.stream().filter(s -> Boolean.TRUE.equals(s.beforeParentLevel())).count();
        Success counted = new Success(success.runId(), success.source(), success.requests(), success.records(), summaries.size(),
                success.statusCounts(), success.startedAt(), success.finishedAt(), success.failedRequests(), success.state(),
                success.s3Requests());
        return counted.withChildren(sent, early);
    }

    static List<String> summaryKeys(BronzeStore store, RunRef level) {
        return store.list(level.summariesPrefix()).stream().filter(key -> key.endsWith(".json")).sorted().toList();
    }

    static ChildrenSent announced(BronzeStore store, ObjectMapper mapper, RunRef level) {
        return readAnnounced(store, mapper, level).orElse(new ChildrenSent(Integer.MAX_VALUE, 0, 0, 0, null));
    }

    private static Optional<ChildrenSent> readAnnounced(BronzeStore store, ObjectMapper mapper, RunRef level) {
        return store.get(level.announcedKey()).map(bytes -> {
            try {
                return mapper.readValue(bytes, ChildrenSent.class);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + store.locate(level.announcedKey()), e);
            }
        });
    }
}
