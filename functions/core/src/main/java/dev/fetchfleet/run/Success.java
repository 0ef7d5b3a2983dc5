package dev.fetchfleet.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * {@code _SUCCESS}: written once, when every part of the run exists; counts requests, records (a
 * paginated request has one per page), records by status, the requests that failed, and whether the
 * source's state moved for this run, and why not when it held.
 */
public record Success(
        @JsonProperty("run_id") String runId,
        @JsonProperty("source") String source,
        @JsonProperty("requests") long requests,
        @JsonProperty("records") long records,
        @JsonProperty("chunks") int chunks,
        @JsonProperty("status_counts") Map<String, Long> statusCounts,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("finished_at") Instant finishedAt,
        /** Requests with at least one failed record (see {@link dev.fetchfleet.bronze.BronzeRecord#failed()}); 0 in files written before it existed. */
        @JsonProperty("failed_requests") long failedRequests,
        /** Whether the source's state moved; null in files written before it existed. */
        @JsonProperty("state") StateMove state,
        /**
         * The run's requests to the bronze store by kind and purpose: the dispatcher's, each chunk's (in its
         * part's summary), the completion checks' and the completer's own. Null in files written before it existed.
         */
        @JsonProperty("s3_requests") dev.fetchfleet.bronze.S3Requests s3Requests,
        /**
         * For a level with children: what its parts made of each child level (chunks, requests, items that made
         * no request and why, children fetched by another parent). Absent for a level without children.
         */
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        @JsonProperty("children") Map<String, ChildrenSent> children,
        /** For a child level: how many of its chunks started before its parent level was complete. */
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        @JsonProperty("chunks_before_parent_level") Long chunksBeforeParentLevel) {

    public Success(String runId, String source, long requests, long records, int chunks, Map<String, Long> statusCounts,
                   Instant startedAt, Instant finishedAt, long failedRequests, StateMove state,
                   dev.fetchfleet.bronze.S3Requests s3Requests) {
        this(runId, source, requests, records, chunks, statusCounts, startedAt, finishedAt, failedRequests, state, s3Requests,
                null, null);
    }

    /** This _SUCCESS with what the level made of its children. */
    public Success withChildren(Map<String, ChildrenSent> sent, Long beforeParentLevel) {
        return new Success(runId, source, requests, records, chunks, statusCounts, startedAt, finishedAt, failedRequests, state,
                s3Requests, sent, beforeParentLevel);
    }

    public Success(String runId, String source, long requests, long records, int chunks, Map<String, Long> statusCounts,
                   Instant startedAt, Instant finishedAt, long failedRequests, StateMove state) {
        this(runId, source, requests, records, chunks, statusCounts, startedAt, finishedAt, failedRequests, state, null);
    }

    /** What completing the run did to its source's state: moved, or held and why. */
    public record StateMove(@JsonProperty("advanced") boolean advanced, @JsonProperty("reason") String reason) {}

    public Success withState(StateMove move) {
        return new Success(runId, source, requests, records, chunks, statusCounts, startedAt, finishedAt, failedRequests, move,
                s3Requests, children, chunksBeforeParentLevel);
    }
}
