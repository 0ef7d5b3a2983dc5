package dev.fetchfleet.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.plan.RunEstimate;
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
        @JsonProperty("job") JsonNode job,
        /** The planner's prediction at dispatch (null in manifests written before it existed). */
        @JsonProperty("estimate") RunEstimate estimate,
        /** The state values the run started from ({{state:NAME}}), so the same run id gives the same requests. */
        @JsonProperty("state") java.util.Map<String, String> state,
        /** How many chunks fetch at once, each with that share of the API's caps (null before lanes existed). */
        @JsonProperty("lanes") Integer lanes,
        /** The dispatcher's requests to the bronze store, this manifest's PUT included (null before it existed). */
        @JsonProperty("s3_requests") dev.fetchfleet.bronze.S3Requests s3Requests) {

    public Manifest(String runId, String source, String ingestDate, Instant startedAt, int requests, int chunks,
                    int chunkSize, JsonNode job, RunEstimate estimate, java.util.Map<String, String> state, Integer lanes) {
        this(runId, source, ingestDate, startedAt, requests, chunks, chunkSize, job, estimate, state, lanes, null);
    }

    public Manifest(String runId, String source, String ingestDate, Instant startedAt, int requests, int chunks,
                    int chunkSize, JsonNode job) {
        this(runId, source, ingestDate, startedAt, requests, chunks, chunkSize, job, null, null, null, null);
    }

    public RunRef run() {
        return new RunRef(source, ingestDate, runId);
    }
}
