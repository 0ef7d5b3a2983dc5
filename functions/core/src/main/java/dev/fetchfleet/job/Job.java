package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A validated ingestion job as a user wrote it. {@code runId} is null unless the user pinned one;
 * {@code raw} is the document itself, kept for the manifest (with secrets redacted there).
 */
public record Job(String source, String runId, RequestSource requests, int chunkSize, FetchConfig fetch, JsonNode raw,
                  PlanHints plan, Paginate paginate, Incremental incremental) {

    public static final int MAX_CHUNK_SIZE = 1000;

    public Job(String source, String runId, RequestSource requests, int chunkSize, FetchConfig fetch, JsonNode raw) {
        this(source, runId, requests, chunkSize, fetch, raw, PlanHints.DEFAULT, null, null);
    }

    /** What the planner cannot know from the job: the API's latency and the pages a request makes. */
    public record PlanHints(long latencyMillis, double pagesPerRequest) {
        public static final PlanHints DEFAULT = new PlanHints(1000, 1);
    }
}
