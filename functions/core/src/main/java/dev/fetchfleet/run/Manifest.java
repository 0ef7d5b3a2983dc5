package dev.fetchfleet.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.Incremental;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.plan.RunEstimate;
import java.time.Instant;

/**
 * {@code _manifest.json}: written by the dispatcher before any chunk is sent; counts, layout and settings,
 * and where the job itself is kept ({@code _job.json} beside it, secrets redacted) with its hash. Every
 * chunk's completion check reads this, so it stays a few hundred bytes whatever the job's size; the job is
 * read once, by the completion that writes {@code _SUCCESS}. Manifests of format 1 and before held the job
 * in {@code job}; they still read.
 */
public record Manifest(
        @JsonProperty("run_id") String runId,
        @JsonProperty("source") String source,
        @JsonProperty("ingest_date") String ingestDate,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("requests") int requests,
        @JsonProperty("chunks") int chunks,
        @JsonProperty("chunk_size") int chunkSize,
        /** The job itself, in manifests of format 1 and before; null (absent) since format 2, see {@code jobKey}. */
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("job") JsonNode job,
        /** The planner's prediction at dispatch (null in manifests written before it existed). */
        @JsonProperty("estimate") RunEstimate estimate,
        /** The state values the run started from ({{state:NAME}}), so the same run id gives the same requests. */
        @JsonProperty("state") java.util.Map<String, String> state,
        /** How many chunks fetch at once, each with that share of the API's caps (null before lanes existed). */
        @JsonProperty("lanes") Integer lanes,
        /**
         * The job's incremental settings as the run uses them (overrides applied), what completion reads;
         * null for a job without them. A manifest written before this field existed gets it from its job.
         */
        @JsonProperty("incremental") Incremental incremental,
        /** The key, relative to the bronze root, of the job as written with secrets redacted (null before format 2). */
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("job_key") String jobKey,
        /** SHA-256 (hex) of the job document the run expanded, state values filled in: the same job gives the same hash. */
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("job_sha256") String jobSha256,
        /** The dispatcher's requests to the bronze store, this manifest's PUT included (null before it existed). */
        @JsonProperty("s3_requests") dev.fetchfleet.bronze.S3Requests s3Requests,
        /**
         * The version of the {@code requestsFrom} file the run read ({@code TextFiles.version}: an ETag, a size and
         * time), which a resume must find again; null for other lists and for manifests written before it existed.
         */
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("requests_version") String requestsVersion,
        /** The sources of the child levels made from this level's parts (absent: none). */
        @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("children") java.util.List<String> children,
        /** For a child level: the source of the level its requests are made from (absent for the job's own level). */
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("parent_source") String parentSource) {

    public Manifest {
        children = children == null ? java.util.List.of() : java.util.List.copyOf(children);
        if (incremental == null && job != null) {
            incremental = new JobParser().recordedIncremental(job); // written before the typed field: the parser's reading
        }
    }

    public Manifest(String runId, String source, String ingestDate, Instant startedAt, int requests, int chunks,
                    int chunkSize, JsonNode job, RunEstimate estimate, java.util.Map<String, String> state, Integer lanes,
                    String jobKey, String jobSha256) {
        this(runId, source, ingestDate, startedAt, requests, chunks, chunkSize, job, estimate, state, lanes, null, jobKey, jobSha256, null,
                null, null, null);
    }

    public Manifest(String runId, String source, String ingestDate, Instant startedAt, int requests, int chunks,
                    int chunkSize, JsonNode job, RunEstimate estimate, java.util.Map<String, String> state, Integer lanes) {
        this(runId, source, ingestDate, startedAt, requests, chunks, chunkSize, job, estimate, state, lanes, null, null, null, null,
                null, null, null);
    }

    public Manifest(String runId, String source, String ingestDate, Instant startedAt, int requests, int chunks,
                    int chunkSize, JsonNode job) {
        this(runId, source, ingestDate, startedAt, requests, chunks, chunkSize, job, null, null, null, null, null, null, null,
                null, null, null);
    }

    /** This manifest recording {@code incremental} (null: none) as the run's incremental settings. */
    public Manifest withIncremental(Incremental incremental) {
        return new Manifest(runId, source, ingestDate, startedAt, requests, chunks, chunkSize, job, estimate, state, lanes,
                incremental, jobKey, jobSha256, s3Requests, requestsVersion, children, parentSource);
    }

    /** This manifest with the dispatcher's S3 requests for the run. */
    public Manifest withS3Requests(dev.fetchfleet.bronze.S3Requests requests) {
        return new Manifest(runId, source, ingestDate, startedAt, this.requests, chunks, chunkSize, job, estimate, state, lanes,
                incremental, jobKey, jobSha256, requests, requestsVersion, children, parentSource);
    }

    /** This manifest pinning the run to {@code version} of its requestsFrom file (null: not a file). */
    public Manifest withRequestsVersion(String version) {
        return new Manifest(runId, source, ingestDate, startedAt, requests, chunks, chunkSize, job, estimate, state, lanes,
                incremental, jobKey, jobSha256, s3Requests, version, children, parentSource);
    }

    /** This manifest as one level of a job with children: {@code parent} (null for the job's own level) and the levels below. */
    public Manifest withLevels(String parent, java.util.List<String> childSources) {
        return new Manifest(runId, source, ingestDate, startedAt, requests, chunks, chunkSize, job, estimate, state, lanes,
                incremental, jobKey, jobSha256, s3Requests, requestsVersion, childSources, parent);
    }

    public RunRef run() {
        return new RunRef(source, ingestDate, runId);
    }
}
