package dev.fetchfleet.bronze;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** {@code _manifest.json}: written by the dispatcher before any chunk is sent; the job with secrets redacted. */
public record Manifest(
        @JsonProperty("run_id") String runId,
        @JsonProperty("source") String source,
        @JsonProperty("ingest_date") String ingestDate,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("requests") int requests,
        @JsonProperty("chunks") int chunks,
        @JsonProperty("chunk_size") int chunkSize,
        @JsonProperty("job") JsonNode job) {

    public RunRef run() {
        return new RunRef(source, ingestDate, runId);
    }
}
