package dev.fetchfleet.bronze;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.fetchfleet.WireFormat;
import java.time.Instant;
import java.util.Map;

/**
 * One line of a bronze part: one request and how it ended. {@code status} is null when no response
 * came back, and then {@code error} says why. {@code schema_version} is {@link WireFormat#BRONZE_RECORD}'s:
 * a line without one (written before versions) reads as before, a newer one is refused, and a record once
 * read is held, and written again, in this code's version. {@code fetched_at} is held and written in
 * milliseconds ({@link FetchedAtFormat}), the same number of digits on every line, so engines read it as a timestamp.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"schema_version", "run_id", "source", "request_id", "method", "url", "status", "response_headers", "body",
        "body_encoding", "fetched_at", "duration_ms", "attempts", "error", "page", "parent"})
public record BronzeRecord(
        @JsonProperty("run_id") String runId,
        @JsonProperty("source") String source,
        @JsonProperty("request_id") String requestId,
        @JsonProperty("method") String method,
        @JsonProperty("url") String url,
        @JsonProperty("status") Integer status,
        @JsonProperty("response_headers") Map<String, String> responseHeaders,
        @JsonProperty("body") JsonNode body,
        @JsonProperty("body_encoding") String bodyEncoding,
        @JsonProperty("fetched_at") @JsonSerialize(using = FetchedAtFormat.class) Instant fetchedAt,
        @JsonProperty("duration_ms") long durationMs,
        @JsonProperty("attempts") int attempts,
        @JsonProperty("error") String error,
        @JsonProperty("page") int page,
        @JsonProperty("schema_version") int schemaVersion,
        /** A child record's parent (see {@link ParentRef}); absent from the line for a record of the job's own requests. */
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("parent") ParentRef parent) {

    public BronzeRecord {
        fetchedAt = FetchedAtFormat.held(fetchedAt);
        schemaVersion = WireFormat.BRONZE_RECORD.read(schemaVersion);
    }

    public BronzeRecord(String runId, String source, String requestId, String method, String url, Integer status,
                        Map<String, String> responseHeaders, JsonNode body, String bodyEncoding, Instant fetchedAt,
                        long durationMs, int attempts, String error, int page, int schemaVersion) {
        this(runId, source, requestId, method, url, status, responseHeaders, body, bodyEncoding, fetchedAt, durationMs,
                attempts, error, page, schemaVersion, null);
    }

    /** This record as a child request's, coming from {@code from}. */
    public BronzeRecord withParent(ParentRef from) {
        return new BronzeRecord(runId, source, requestId, method, url, status, responseHeaders, body, bodyEncoding,
                fetchedAt, durationMs, attempts, error, page, schemaVersion, from);
    }

    /** A record of this code's version. */
    public BronzeRecord(String runId, String source, String requestId, String method, String url, Integer status,
                        Map<String, String> responseHeaders, JsonNode body, String bodyEncoding, Instant fetchedAt,
                        long durationMs, int attempts, String error, int page) {
        this(runId, source, requestId, method, url, status, responseHeaders, body, bodyEncoding, fetchedAt, durationMs,
                attempts, error, page, WireFormat.BRONZE_RECORD.current());
    }

    /** This record as page {@code number} of its request's chain. */
    public BronzeRecord withPage(int number) {
        return new BronzeRecord(runId, source, requestId, method, url, status, responseHeaders, body, bodyEncoding,
                fetchedAt, durationMs, attempts, error, number, WireFormat.BRONZE_RECORD.current(), parent);
    }

    /** This record with why its chain ended here (a refused or repeated next link, maxPages). */
    public BronzeRecord withError(String why) {
        return new BronzeRecord(runId, source, requestId, method, url, status, responseHeaders, body, bodyEncoding,
                fetchedAt, durationMs, attempts, error == null ? why : error + "; " + why, page, WireFormat.BRONZE_RECORD.current(), parent);
    }

    /**
     * Whether this record stands for data the run did not get: no answer, a 5xx or 429 after its
     * retries, or a page that ended its chain early (maxPages, a refused or malformed next link, a
     * truncated body). Such a record holds its source's incremental state. A 4xx other than 429 is the
     * API's answer, and is not counted.
     */
    @JsonIgnore
    public boolean failed() {
        return status == null || status == 429 || status >= 500 || error != null;
    }

    /** This record without its body: what is left to count and report once the body is kept elsewhere (a spill file). */
    public BronzeRecord withoutBody() {
        return new BronzeRecord(runId, source, requestId, method, url, status, responseHeaders, null, bodyEncoding,
                fetchedAt, durationMs, attempts, error, page, WireFormat.BRONZE_RECORD.current(), parent);
    }

    /** How a status is counted in {@code _SUCCESS} and summaries: the code, or "error" for no response. */
    public String statusKey() {
        return status == null ? "error" : Integer.toString(status);
    }
}
