package dev.fetchfleet.dispatch;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.RequestRange;
import dev.fetchfleet.plan.FleetLayout;
import java.util.List;

/**
 * A range message: chunks {@code firstChunk} to {@code endChunk} (exclusive) of a run, which a worker cuts
 * from the run's job (kept at {@code jobKey}) and sends as chunk messages, so a list of millions is queued
 * by many workers at once and not by the dispatcher alone. {@code requests} says where the slice's
 * requests are (for a {@code requestsFrom} file, the byte offset to read from); {@code only}, when not
 * null, names the chunks to send (a resumed run sends only the chunks without a part).
 */
public record ChunkRange(
        @JsonProperty("run") RunRef run,
        @JsonProperty("index") int index,
        @JsonProperty("job_key") String jobKey,
        @JsonProperty("layout") FleetLayout layout,
        @JsonProperty("first_chunk") int firstChunk,
        @JsonProperty("end_chunk") int endChunk,
        @JsonProperty("requests") RequestRange requests,
        @JsonProperty("only") List<Integer> only) {

    public ChunkRange {
        only = only == null ? null : List.copyOf(only);
    }

    /** Where a run keeps the job its ranges are cut from: with the claim-check objects, outside the data partitions. */
    public static String jobKey(RunRef run) {
        return "_chunks/" + run.prefix() + "job.json";
    }

    /** The marker a worker leaves once it has sent this range's chunks (what {@code status} counts). */
    public static String sentKey(RunRef run, int index) {
        return "_chunks/" + run.prefix() + String.format("range-%05d.sent", index);
    }

    public static String sentPrefix(RunRef run) {
        return "_chunks/" + run.prefix() + "range-";
    }

    public boolean wanted(int chunk) {
        return only == null || only.contains(chunk);
    }
}
