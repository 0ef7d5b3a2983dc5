package dev.fetchfleet.bronze;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * {@code _SUCCESS}: written once, when every part of the run exists; counts requests, records (a
 * paginated request has one per page) and records by status.
 */
public record Success(
        @JsonProperty("run_id") String runId,
        @JsonProperty("source") String source,
        @JsonProperty("requests") long requests,
        @JsonProperty("records") long records,
        @JsonProperty("chunks") int chunks,
        @JsonProperty("status_counts") Map<String, Long> statusCounts,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("finished_at") Instant finishedAt) {
}
