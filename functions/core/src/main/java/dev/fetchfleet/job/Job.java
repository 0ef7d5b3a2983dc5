package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A validated ingestion job as a user wrote it. {@code runId} is null unless the user pinned one;
 * {@code raw} is the document itself, kept for the manifest (with secrets redacted there).
 */
public record Job(String source, String runId, RequestSource requests, int chunkSize, FetchConfig fetch, JsonNode raw) {

    public static final int MAX_CHUNK_SIZE = 1000;
}
