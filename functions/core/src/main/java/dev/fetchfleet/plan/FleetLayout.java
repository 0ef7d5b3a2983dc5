package dev.fetchfleet.plan;

import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.RequestList;
import dev.fetchfleet.job.RequestSpec;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

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
     * The longest a chunk should take where the layout chooses its size (the job states no {@code chunkSize}):
     * well inside one worker invocation (900 s), so that such a chunk seldom needs a continuation message.
     */
    static final double CHOSEN_CHUNK_MAX_SECONDS = 300;

    /**
     * The layout with the shortest predicted run among chunk sizes up to {@code maxChunkSize}.
     *
     * @param workers how many chunks the fleet can run at once (0 or less: unknown; then every chunk is taken
     *                to run at once, and chunks are cut to chunkSize, or fewer where a cap needs it)
     * @param latency the API's latency as the job guesses it (it only weighs rounds of the concurrency cap against the rate)
     */
    public static FleetLayout plan(List<RequestSpec> requests, int maxChunkSize, FetchConfig fetch, int workers,
                                   Duration latency, double pagesPerRequest) {
        return plan(requests, OptionalInt.of(maxChunkSize), fetch, workers, latency, pagesPerRequest);
    }

    /**
     * The same for a job's {@link dev.fetchfleet.job.Job#statedChunkSize()}: where the job states none, the
     * largest chunk considered is the one that puts every lane on a single chunk (the list over the lanes,
     * between {@link Job#DEFAULT_CHUNK_SIZE} and {@link Job#MAX_CHUNK_SIZE}) and takes at most
     * {@link #CHOSEN_CHUNK_MAX_SECONDS}; a list of chains keeps the default. Why: a chunk's share of the caps makes its time grow with its size,
     * so one wave of large chunks reaches the bound as well as many waves of small ones, with fewer
     * messages, invocations and parts, and without a gap between waves (4,000 one-second calls at 400 in
     * flight on 10 workers: 10 chunks of 400 in one wave instead of 50 of 80 in five).
     */
    public static FleetLayout plan(List<RequestSpec> requests, OptionalInt statedChunkSize, FetchConfig fetch, int workers,
                                   Duration latency, double pagesPerRequest) {
        int maxLanes = Integer.MAX_VALUE;
        for (RequestSpec request : requests) {
            maxLanes = Math.min(maxLanes, RequestList.lanesAllowed(request, fetch));
        }
        return plan(requests.size(), requests.subList(0, Math.min(requests.size(), Job.MAX_CHUNK_SIZE)), maxLanes,
                statedChunkSize, fetch, workers, latency, pagesPerRequest);
    }

    /** The same layout from one reading of the list ({@link RequestList}), without the list itself. */
    public static FleetLayout plan(RequestList list, int maxChunkSize, FetchConfig fetch, int workers,
                                   Duration latency, double pagesPerRequest) {
        return plan(list, OptionalInt.of(maxChunkSize), fetch, workers, latency, pagesPerRequest);
    }

    /** The same layout from one reading of the list, for a job that may leave the chunk size to the layout. */
    public static FleetLayout plan(RequestList list, OptionalInt statedChunkSize, FetchConfig fetch, int workers,
                                   Duration latency, double pagesPerRequest) {
        return plan(list.count(), list.sample(), list.maxLanes(), statedChunkSize, fetch, workers, latency, pagesPerRequest);
    }

    /**
     * @param first    the list's first requests, at least {@code min(n, Job.MAX_CHUNK_SIZE)}: a chunk is modelled on them
     * @param maxLanes the fewest lanes any cap the list meets allows ({@link RequestList#lanesAllowed})
     */
    private static FleetLayout plan(int n, List<RequestSpec> first, int maxLanes, OptionalInt statedChunkSize, FetchConfig fetch,
                                    int workers, Duration latency, double pagesPerRequest) {
        int maxChunkSize = statedChunkSize.orElse(Job.DEFAULT_CHUNK_SIZE);
        if (n == 0) {
            return new FleetLayout(maxChunkSize, 0, 1);
        }
        if (workers <= 0) {
            // Unknown fleet: every chunk may run at once, so the chunks are the lanes, at most the caps allow.
            int size = Math.max(Math.min(maxChunkSize, n), (n + maxLanes - 1) / maxLanes);
            int chunks = (n + size - 1) / size;
            return new FleetLayout(size, chunks, chunks);
        }
        // Chains keep the default: a chunk of chains holds pages times its requests in records, on one worker's disk.
        boolean chosen = statedChunkSize.isEmpty() && first.stream().allMatch(r -> r.paginate() == null);
        if (chosen) {
            int lanes = Math.min(workers, maxLanes);
            maxChunkSize = Math.clamp((n + lanes - 1L) / lanes, Job.DEFAULT_CHUNK_SIZE, Job.MAX_CHUNK_SIZE);
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
            double chunkSeconds = RunPlanner.chunkSeconds(first.subList(0, size), fetch.sharedBy(lanes), latencySeconds, pagesPerRequest);
            if (chosen && size > Job.DEFAULT_CHUNK_SIZE && chunkSeconds > CHOSEN_CHUNK_MAX_SECONDS) {
                continue;
            }
            double seconds = waves * (chunkSeconds + RunPlanner.CHUNK_OVERHEAD_SECONDS);
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
