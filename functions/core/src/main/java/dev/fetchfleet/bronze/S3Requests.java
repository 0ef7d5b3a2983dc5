package dev.fetchfleet.bronze;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;
import java.util.TreeMap;

/**
 * Requests made to the bronze store, as S3 would bill them: by kind ({@code PUT}, {@code GET}, {@code HEAD},
 * {@code LIST}, {@code DELETE}) and by what they were for ({@code parts}, {@code part_summaries},
 * {@code checkpoints}, {@code manifest}, {@code markers}, {@code state}, {@code chunk_messages},
 * {@code other}). Written as {@code {"PUT": {"parts": 20, ...}, ...}}.
 */
public record S3Requests(Map<String, Map<String, Long>> byKind) {

    public static final S3Requests NONE = new S3Requests(Map.of());

    public enum Kind { PUT, GET, HEAD, LIST, DELETE }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public S3Requests {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        if (byKind != null) {
            byKind.forEach((kind, targets) -> copy.put(kind, Map.copyOf(new TreeMap<>(targets))));
        }
        byKind = java.util.Collections.unmodifiableMap(copy);
    }

    @JsonValue
    public Map<String, Map<String, Long>> byKind() {
        return byKind;
    }

    /** These counts and {@code other}'s together. */
    public S3Requests plus(S3Requests other) {
        if (other == null) {
            return this;
        }
        Map<String, Map<String, Long>> sum = mutable(byKind);
        other.byKind.forEach((kind, targets) -> targets.forEach((target, n) ->
                sum.computeIfAbsent(kind, k -> new TreeMap<>()).merge(target, n, Long::sum)));
        return new S3Requests(sum);
    }

    /** These counts with {@code n} more of one kind for one target (a write about to be made, say). */
    public S3Requests plus(Kind kind, String target, long n) {
        return plus(new S3Requests(Map.of(kind.name(), Map.of(target, n))));
    }

    /** These counts less {@code earlier}'s: what was made since a snapshot. */
    public S3Requests minus(S3Requests earlier) {
        Map<String, Map<String, Long>> difference = mutable(byKind);
        earlier.byKind.forEach((kind, targets) -> targets.forEach((target, n) ->
                difference.computeIfAbsent(kind, k -> new TreeMap<>()).merge(target, -n, Long::sum)));
        difference.values().forEach(targets -> targets.values().removeIf(n -> n == 0));
        difference.values().removeIf(Map::isEmpty);
        return new S3Requests(difference);
    }

    /** All requests of one kind, whatever they were for. */
    public long total(Kind kind) {
        return byKind.getOrDefault(kind.name(), Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Requests of one kind for one target. */
    public long count(Kind kind, String target) {
        return byKind.getOrDefault(kind.name(), Map.of()).getOrDefault(target, 0L);
    }

    /** What a key is for, from bronze's layout ({@link RunRef}). */
    public static String target(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        if (key.startsWith("_checkpoints/")) {
            return "checkpoints";
        }
        if (key.startsWith("_state/")) {
            return "state";
        }
        if (key.startsWith("_chunks/")) {
            return "chunk_messages";
        }
        if (key.startsWith("_runs/")) {
            return "markers";
        }
        if (key.contains("/" + RunRef.SUMMARIES + "/")) {
            return name.startsWith("summary-") ? "part_summaries" : "markers";
        }
        if (name.startsWith("part-")) {
            return "parts";
        }
        if (name.equals("_manifest.json")) {
            return "manifest";
        }
        if (name.startsWith("_")) {
            return "markers"; // _SUCCESS, the completion claim
        }
        return "other";
    }

    private static Map<String, Map<String, Long>> mutable(Map<String, Map<String, Long>> counts) {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        counts.forEach((kind, targets) -> copy.put(kind, new TreeMap<>(targets)));
        return copy;
    }
}
