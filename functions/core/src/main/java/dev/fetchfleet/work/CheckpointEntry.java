package dev.fetchfleet.work;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.fetchfleet.WireFormat;
import dev.fetchfleet.bronze.BronzeRecord;

/**
 * One line of a checkpoint segment: a fetched page (or a request's only answer) and where its chain goes
 * on from there, {@code null} when the chain ended with it. The cursor sits beside the page it came
 * from, so a page and its way on become durable together. {@code next_token} is the cursor, page or
 * offset that next page sends in its body or a header (absent when its URL says it all); version 2 added
 * it, so that a version-1 worker refuses such an entry rather than resume at the chain's first page.
 * {@code schema_version} is {@link WireFormat#CHECKPOINT_ENTRY}'s: an entry without one reads as before,
 * a newer one is refused.
 */
@JsonPropertyOrder({"schema_version", "record", "next", "next_token"})
record CheckpointEntry(@JsonProperty("record") BronzeRecord record, @JsonProperty("next") String next,
                       @JsonProperty("schema_version") int schemaVersion,
                       @JsonProperty("next_token") @JsonInclude(JsonInclude.Include.NON_NULL) String nextToken) {

    CheckpointEntry {
        schemaVersion = WireFormat.CHECKPOINT_ENTRY.read(schemaVersion);
    }

    CheckpointEntry(BronzeRecord record, String next) {
        this(record, next, null);
    }

    CheckpointEntry(BronzeRecord record, String next, String nextToken) {
        this(record, next, WireFormat.CHECKPOINT_ENTRY.current(), nextToken);
    }
}
