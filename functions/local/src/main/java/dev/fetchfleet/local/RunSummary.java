package dev.fetchfleet.local;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * What a local run printed last, read back from bronze rather than from the workers' tallies:
 * what the run's parts hold is what the user gets.
 */
@JsonPropertyOrder({"complete", "run_id", "source", "bronze", "requests", "records", "succeeded", "failed",
        "duplicates", "status_counts", "wall_seconds", "run_seconds", "sequential_seconds", "speedup", "dead_letters", "problem",
        "bronze_error", "s3_requests", "levels"})
public record RunSummary(
        @JsonProperty("complete") boolean complete,
        @JsonProperty("run_id") String runId,
        @JsonProperty("source") String source,
        @JsonProperty("bronze") String bronze,
        @JsonProperty("requests") int requests,
        @JsonProperty("records") long records,
        @JsonProperty("succeeded") long succeeded,
        @JsonProperty("failed") long failed,
        @JsonProperty("duplicates") long duplicates,
        @JsonProperty("status_counts") Map<String, Long> statusCounts,
        @JsonProperty("wall_seconds") double wallSeconds,
        /** From the dispatch to _SUCCESS: the run itself, without the embedded SQS's start. */
        @JsonProperty("run_seconds") double runSeconds,
        @JsonProperty("sequential_seconds") double sequentialSeconds,
        @JsonProperty("speedup") double speedup,
        @JsonProperty("dead_letters") int deadLetters,
        @JsonProperty("problem") String problem,
        /** Why bronze could not be written (a full disk, say), in one line; null when every write succeeded. */
        @JsonProperty("bronze_error") String bronzeError,
        /** The run's S3 requests by kind and purpose, from its {@code _SUCCESS}; null when it did not complete. */
        @JsonProperty("s3_requests") dev.fetchfleet.bronze.S3Requests s3Requests,
        /** For a job with children: each level, the job's own first; absent for a job without. */
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        @JsonProperty("levels") java.util.List<Level> levels) {

    public RunSummary {
        levels = levels == null ? java.util.List.of() : java.util.List.copyOf(levels);
    }

    public RunSummary(boolean complete, String runId, String source, String bronze, int requests, long records, long succeeded,
                      long failed, long duplicates, Map<String, Long> statusCounts, double wallSeconds, double runSeconds,
                      double sequentialSeconds, double speedup, int deadLetters, String problem, String bronzeError,
                      dev.fetchfleet.bronze.S3Requests s3Requests) {
        this(complete, runId, source, bronze, requests, records, succeeded, failed, duplicates, statusCounts, wallSeconds, runSeconds,
                sequentialSeconds, speedup, deadLetters, problem, bronzeError, s3Requests, null);
    }

    /**
     * One level of a job with children, read from its parts: its requests and records, the duplicates among them
     * (0 unless something is wrong), whether its {@code _SUCCESS} is written, its chunks, how many of them started
     * before the level above was complete, and the items of this level that made no child request.
     */
    public record Level(@JsonProperty("source") String source,
                        @JsonProperty("complete") boolean complete,
                        @JsonProperty("requests") long requests,
                        @JsonProperty("records") long records,
                        @JsonProperty("failed") long failed,
                        @JsonProperty("duplicates") long duplicates,
                        @JsonProperty("chunks") int chunks,
                        @JsonProperty("chunks_before_parent_level") Long chunksBeforeParentLevel,
                        @JsonProperty("child_errors") long childErrors) {}

    /** A run that stopped at its first bronze write: before the dispatch wrote its manifest there is no run id yet. */
    static RunSummary unwritable(String bronze, String source, double wallSeconds, String bronzeError) {
        return new RunSummary(false, null, source, bronze, 0, 0, 0, 0, 0, Map.of(), wallSeconds, 0, 0, 0, 0,
                "bronze cannot be written", bronzeError, null);
    }
}
