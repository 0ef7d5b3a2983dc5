package dev.fetchfleet.plan;

import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestList;
import dev.fetchfleet.job.RequestSpec;
import java.time.Duration;
import java.util.List;

/**
 * How a run's requests are laid out over the fleet so that it never passes the API's limits and still
 * reaches them: {@code chunks} chunks of {@code chunkSize} requests, of which at most {@code lanes} fetch
 * at once, each with 1/lanes of every host's caps ({@link FetchConfig#sharedBy(int)}).
 *
 * <p>Why shares carried by the chunks, and not workers coordinating through a shared store: SQS and
 * Lambda already bound how many chunks run at once (the event source's maximum concurrency, the local
 * runner's worker count), so a share of 1/lanes per chunk holds the fleet under the caps at every
 * moment with no extra service, no extra request per API call and nothing to lease or expire when a
 * worker dies. Its price is that a chunk running alone at the end of a run uses only its share; the
 * layout therefore picks chunk sizes that make the chunks end together in full waves.
 *
 * <p>Lanes are never more than any cap the run meets (so every share is at least one request in flight
 * and one start a second): where the workers outnumber a cap, the run gets fewer, larger chunks than
 * {@code chunkSize} asks for, and fewer workers fetch at once.
 */
public record FleetLayout(int chunkSize, int chunks, int lanes) {

    /**
     * What a smaller chunk size must save of the predicted time to be chosen over a larger one: both a
     * share of it and some seconds, since every chunk costs a message, an invocation (perhaps a cold
     * start) and a part, which the model counts only roughly.
     */
    static final double SMALLER_CHUNKS_MUST_SAVE = 0.05;
    static final double SMALLER_CHUNKS_MUST_SAVE_SECONDS = 1.0;

    public FleetLayout {
        if (chunkSize < 1 || chunks < 0 || lanes < 1) {
            throw new IllegalArgumentException("chunkSize " + chunkSize + ", chunks " + chunks + ", lanes " + lanes);
        }
    }

    /**
     * The layout with the shortest predicted run among chunk sizes up to {@code maxChunkSize}.
     *
     * @param workers how many chunks the fleet can run at once (0 or less: unknown; then every chunk is taken
     *                to run at once, and chunks are cut to chunkSize, or fewer where a cap needs it)
     * @param latency the API's latency as the job guesses it (it only weighs rounds of the concurrency cap against the rate)
     */
    public static FleetLayout plan(List<RequestSpec> requests, int maxChunkSize, FetchConfig fetch, int workers,
                                   Duration latency, double pagesPerRequest) {
        int maxLanes = Integer.MAX_VALUE;
        for (RequestSpec request : requests) {
            maxLanes = Math.min(maxLanes, RequestList.lanesAllowed(request, fetch));
        }
        return plan(requests.size(), requests.subList(0, Math.min(requests.size(), maxChunkSize)), maxLanes,
                maxChunkSize, fetch, workers, latency, pagesPerRequest);
    }

    /** The same layout from one reading of the list ({@link RequestList}), without the list itself. */
    public static FleetLayout plan(RequestList list, int maxChunkSize, FetchConfig fetch, int workers,
                                   Duration latency, double pagesPerRequest) {
        return plan(list.count(), list.sample(), list.maxLanes(), maxChunkSize, fetch, workers, latency, pagesPerRequest);
    }

    /**
     * @param first    the list's first requests, at least {@code min(n, maxChunkSize)}: a chunk is modelled on them
     * @param maxLanes the fewest lanes any cap the list meets allows ({@link RequestList#lanesAllowed})
     */
    private static FleetLayout plan(int n, List<RequestSpec> first, int maxLanes, int maxChunkSize, FetchConfig fetch,
                                    int workers, Duration latency, double pagesPerRequest) {
        if (n == 0) {
            return new FleetLayout(maxChunkSize, 0, 1);
        }
        if (workers <= 0) {
            // Unknown fleet: every chunk may run at once, so the chunks are the lanes, at most the caps allow.
            int size = Math.max(Math.min(maxChunkSize, n), (n + maxLanes - 1) / maxLanes);
            int chunks = (n + size - 1) / size;
            return new FleetLayout(size, chunks, chunks);
        }
        double latencySeconds = latency.toMillis() / 1000.0;
        FleetLayout best = null;
        double bestSeconds = Double.MAX_VALUE;
        for (int size = Math.min(maxChunkSize, n); size >= 1; size--) {
            int chunks = (n + size - 1) / size;
            int lanes = Math.min(workers, chunks);
            if (lanes > maxLanes) {
                continue;
            }
            long waves = (chunks + lanes - 1) / lanes;
            // The planner's own model of a chunk, on the first chunk of this size (lists mix hosts evenly enough).
            double seconds = waves * (RunPlanner.chunkSeconds(first.subList(0, size), fetch.sharedBy(lanes),
                    latencySeconds, pagesPerRequest) + RunPlanner.CHUNK_OVERHEAD_SECONDS);
            // Sizes are tried largest first, and a smaller one must be clearly faster.
            if (best == null || seconds < bestSeconds - Math.max(bestSeconds * SMALLER_CHUNKS_MUST_SAVE, SMALLER_CHUNKS_MUST_SAVE_SECONDS)) {
                best = new FleetLayout(size, chunks, lanes);
                bestSeconds = seconds;
            }
        }
        if (best == null) {
            // More workers than a cap allows fetchers: as many chunks as the cap, larger than chunkSize.
            int size = (n + maxLanes - 1) / maxLanes;
            int chunks = (n + size - 1) / size;
            best = new FleetLayout(size, chunks, Math.min(workers, chunks));
        }
        return best;
    }
}
