package dev.fetchfleet.plan;

import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.util.List;

/**
 * A slice of a run's requests that one worker invocation fetches and writes as one part.
 *
 * @param lanes how many of the run's chunks may fetch at once; this chunk may use 1/lanes of the API's
 *              caps in {@code fetch} (a message from before lanes existed reads as 1)
 * @param fetch the job's fetch settings, caps as the API states them for the whole fleet
 */
public record Chunk(RunRef run, int index, int chunkCount, int lanes, FetchConfig fetch, List<RequestSpec> requests) {

    public Chunk {
        requests = List.copyOf(requests);
        lanes = Math.max(1, lanes);
    }

    /** What this chunk's worker may use: its lane's share of every host's caps. */
    public FetchConfig fetchShare() {
        return fetch.sharedBy(lanes);
    }
}
