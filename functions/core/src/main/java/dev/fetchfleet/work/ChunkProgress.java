package dev.fetchfleet.work;

import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.fetch.ChainCursor;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a chunk's checkpoints say it has fetched: its records, the requests whose chains ended, and
 * where each unfinished chain goes on.
 */
record ChunkProgress(List<BronzeRecord> records, Set<String> finished, Map<String, ChainCursor> resumeAt, List<String> segments) {

    static final ChunkProgress NONE = new ChunkProgress(List.of(), Set.of(), Map.of());

    /** @param segments the keys of the segments it was read from: what the chunk removes once its part is written */
    ChunkProgress {
        segments = List.copyOf(segments);
    }

    ChunkProgress(List<BronzeRecord> records, Set<String> finished, Map<String, ChainCursor> resumeAt) {
        this(records, finished, resumeAt, List.of());
    }

    ChunkProgress withSegments(List<String> keys) {
        return new ChunkProgress(records, finished, resumeAt, keys);
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    /**
     * Entries of any number of segments, in any order, repeats included (two deliveries of one chunk
     * racing, a consolidation cut short): the first of each (request, page) counts.
     */
    static ChunkProgress of(Collection<CheckpointEntry> entries) {
        Map<String, Map<Integer, CheckpointEntry>> byRequest = new LinkedHashMap<>();
        for (CheckpointEntry entry : entries) {
            byRequest.computeIfAbsent(entry.record().requestId(), k -> new HashMap<>())
                    .putIfAbsent(entry.record().page(), entry);
        }
        List<BronzeRecord> records = new ArrayList<>();
        Set<String> finished = new HashSet<>();
        Map<String, ChainCursor> resumeAt = new HashMap<>();
        byRequest.forEach((requestId, pages) -> {
            List<CheckpointEntry> chain = pages.values().stream()
                    .sorted(Comparator.comparingInt(e -> e.record().page())).toList();
            chain.forEach(e -> records.add(e.record()));
            CheckpointEntry last = chain.getLast();
            if (last.next() == null) {
                finished.add(requestId);
            } else {
                Set<URI> fetched = new HashSet<>();
                chain.forEach(e -> fetched.add(URI.create(e.record().url())));
                resumeAt.put(requestId, new ChainCursor(URI.create(last.next()), last.record().page() + 1, fetched, last.nextToken()));
            }
        });
        return new ChunkProgress(records, finished, resumeAt);
    }
}
