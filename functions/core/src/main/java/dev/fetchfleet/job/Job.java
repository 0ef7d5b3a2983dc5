package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A validated ingestion job as a user wrote it. {@code runId} is null unless the user pinned one;
 * {@code raw} is the document itself, kept for the manifest (with secrets redacted there).
 */
public record Job(String source, String runId, RequestSource requests, int chunkSize, FetchConfig fetch, JsonNode raw,
                  PlanHints plan, Paginate paginate, Incremental incremental) {

    public static final int MAX_CHUNK_SIZE = 1000;
    /** A chunk's size where the job states none and the fleet's size is unknown. */
    public static final int DEFAULT_CHUNK_SIZE = 100;

    public Job(String source, String runId, RequestSource requests, int chunkSize, FetchConfig fetch, JsonNode raw) {
        this(source, runId, requests, chunkSize, fetch, raw, PlanHints.DEFAULT, null, null);
    }

    /** Source, run id and incremental settings: what phase one of the parse reads (see {@link JobParser#header}). */
    public JobHeader header() {
        return new JobHeader(source, runId, incremental);
    }

    /** This job with {@code header}'s source, run id and incremental settings: how overrides reach a parsed job. */
    public Job with(JobHeader header) {
        return new Job(header.source(), header.runId(), requests, chunkSize, fetch, raw, plan, paginate, header.incremental());
    }

    /**
     * The {@code chunkSize} the user wrote, if any. Where none is written the dispatcher chooses the size from
     * the list and the fleet ({@code FleetLayout}); {@link #chunkSize()} is then the default.
     */
    public java.util.OptionalInt statedChunkSize() {
        return raw == null || raw.has("chunkSize") ? java.util.OptionalInt.of(chunkSize) : java.util.OptionalInt.empty();
    }

    /** What the planner cannot know from the job: the API's latency and the pages a request makes. */
    public record PlanHints(long latencyMillis, double pagesPerRequest) {
        public static final PlanHints DEFAULT = new PlanHints(1000, 1);
    }
}
