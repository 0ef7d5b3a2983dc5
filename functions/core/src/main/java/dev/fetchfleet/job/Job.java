package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A validated ingestion job as a user wrote it. {@code runId} is null unless the user pinned one;
 * {@code raw} is the document itself, kept for the manifest (with secrets redacted there).
 */
public record Job(String source, String runId, RequestSource requests, int chunkSize, FetchConfig fetch, JsonNode raw,
                  PlanHints plan, Paginate paginate, Incremental incremental, java.util.List<ChildSpec> children) {

    public Job {
        children = children == null ? java.util.List.of() : java.util.List.copyOf(children);
    }

    public Job(String source, String runId, RequestSource requests, int chunkSize, FetchConfig fetch, JsonNode raw,
               PlanHints plan, Paginate paginate, Incremental incremental) {
        this(source, runId, requests, chunkSize, fetch, raw, plan, paginate, incremental, java.util.List.of());
    }

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
        return new Job(header.source(), header.runId(), requests, chunkSize, fetch, raw, plan, paginate, header.incremental(), children);
    }

    /**
     * The {@code chunkSize} the user wrote, if any. Where none is written the dispatcher chooses the size from
     * the list and the fleet ({@code FleetLayout}); {@link #chunkSize()} is then the default.
     */
    public java.util.OptionalInt statedChunkSize() {
        return raw == null || raw.has("chunkSize") ? java.util.OptionalInt.of(chunkSize) : java.util.OptionalInt.empty();
    }

    /** What the planner cannot know from the job: the API's latency and the pages a request makes. */
    public record PlanHints(long latencyMillis, double pagesPerRequest, double itemsPerPage) {
        public static final PlanHints DEFAULT = new PlanHints(1000, 1, 0);

        public PlanHints(long latencyMillis, double pagesPerRequest) {
            this(latencyMillis, pagesPerRequest, DEFAULT.itemsPerPage);
        }
    }

    /** Every source this job writes: its own, then each level of children's, depth first. */
    public java.util.List<String> sources() {
        java.util.List<String> all = new java.util.ArrayList<>();
        all.add(source);
        addSources(children, all);
        return all;
    }

    private static void addSources(java.util.List<ChildSpec> children, java.util.List<String> into) {
        for (ChildSpec child : children) {
            into.add(child.source());
            addSources(child.children(), into);
        }
    }
}
