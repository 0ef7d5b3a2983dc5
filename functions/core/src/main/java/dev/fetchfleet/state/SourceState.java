package dev.fetchfleet.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code <root>/_state/source=<source>/state.json}: per source, the largest value seen among the items
 * of its completed runs, and when its last completed run started. Advanced only by a run that wrote
 * {@code _SUCCESS}.
 */
public record SourceState(
        @JsonProperty("source") String source,
        @JsonProperty("values") Map<String, String> values,
        @JsonProperty("last_success_started_at") String lastSuccessStartedAt,
        @JsonProperty("last_success_run_id") String lastSuccessRunId) {

    public SourceState {
        values = values == null ? Map.of() : new TreeMap<>(values);
    }

    public static String key(String source) {
        return "_state/source=" + source + "/state.json";
    }
}
