package dev.fetchfleet.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.fetchfleet.bronze.S3Requests;

/**
 * {@code _summaries/summary-NNNNN.json} beside a run's parts: what one part holds ({@link PartTally}) and the S3
 * requests its chunk cost, written once the part is. Completion reads these, never the parts.
 */
@JsonPropertyOrder({"chunk", "name", "tally", "s3_requests", "children", "before_parent_level"})
public record PartSummary(@JsonProperty("chunk") int chunk,
                          @JsonProperty("tally") PartTally tally,
                          @JsonProperty("s3_requests") S3Requests s3Requests,
                          /** A child chunk's name (its part is named by it); absent for the job's own chunks. */
                          @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("name") String name,
                          /**
                           * The child chunks this part's children were sent as, by child source: present once they are
                           * sent, so a summary without it on a level with children means "not sent yet".
                           */
                          @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("children") java.util.Map<String, ChildrenSent> children,
                          /** For a child chunk: whether it started before its parent level was complete. */
                          @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("before_parent_level") Boolean beforeParentLevel) {

    public PartSummary {
        s3Requests = s3Requests == null ? S3Requests.NONE : s3Requests;
    }

    public PartSummary(int chunk, PartTally tally, S3Requests s3Requests) {
        this(chunk, tally, s3Requests, null, null, null);
    }

    /** The name of the chunk this summarises: as in its part's key. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String chunkName() {
        return name != null ? name : dev.fetchfleet.bronze.RunRef.chunkName(chunk);
    }

    public PartSummary withChildren(String chunkName, java.util.Map<String, ChildrenSent> sent, Boolean startedBeforeParentLevel) {
        return new PartSummary(chunk, tally, s3Requests, chunkName, sent, startedBeforeParentLevel);
    }
}
