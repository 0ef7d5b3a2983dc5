package dev.fetchfleet.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.fetchfleet.bronze.S3Requests;

/**
 * {@code _summaries/summary-NNNNN.json} beside a run's parts: what one part holds ({@link PartTally}) and the S3
 * requests its chunk cost, written once the part is. Completion reads these, never the parts.
 */
@JsonPropertyOrder({"chunk", "tally", "s3_requests"})
public record PartSummary(@JsonProperty("chunk") int chunk,
                          @JsonProperty("tally") PartTally tally,
                          @JsonProperty("s3_requests") S3Requests s3Requests) {

    public PartSummary {
        s3Requests = s3Requests == null ? S3Requests.NONE : s3Requests;
    }
}
