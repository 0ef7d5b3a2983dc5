package dev.fetchfleet.plan;

import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.util.List;

/** A slice of a run's requests that one worker invocation fetches and writes as one part. */
public record Chunk(RunRef run, int index, int chunkCount, FetchConfig fetch, List<RequestSpec> requests) {

    public Chunk {
        requests = List.copyOf(requests);
    }
}
