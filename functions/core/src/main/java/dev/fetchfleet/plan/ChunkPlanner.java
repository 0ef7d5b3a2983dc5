package dev.fetchfleet.plan;

import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.util.ArrayList;
import java.util.List;

/** Splits a run's request list into the chunks of its {@link FleetLayout}, in order. */
public final class ChunkPlanner {

    private ChunkPlanner() {}

    public static List<Chunk> plan(RunRef run, List<RequestSpec> requests, FleetLayout layout, FetchConfig fetch) {
        int chunkSize = layout.chunkSize();
        int count = (requests.size() + chunkSize - 1) / chunkSize;
        List<Chunk> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * chunkSize;
            chunks.add(new Chunk(run, i, count, layout.lanes(), fetch,
                    requests.subList(from, Math.min(requests.size(), from + chunkSize))));
        }
        return chunks;
    }
}
