package dev.fetchfleet.plan;

import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestList;
import dev.fetchfleet.job.RequestSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Predicts a run from its job alone. The model is the fleet's own: chunks go out in waves of the
 * worker concurrency; a chunk takes as long as its slowest host needs under that host's caps
 * (latency × rounds of the concurrency cap, or requests ÷ rate, whichever is longer); a fixed cost per
 * run (dispatch, completion) and per chunk (delivery, the part's write) comes on top.
 */
public final class RunPlanner {

    /**
     * Dispatch, manifest and the completion check, as measured on the local fleet (0.3 s). On Lambda a
     * cold start adds a second or more to the first wave; the planner leaves that out.
     */
    static final double RUN_OVERHEAD_SECONDS = 0.3;
    /** Receiving a chunk, writing its part, checking for completion (local fleet: about 0.1 s). */
    static final double CHUNK_OVERHEAD_SECONDS = 0.1;
    /** Starts are spaced 5% wider than 1/rate (HostLimiter), so a rate-capped chunk runs 5% longer. */
    static final double RATE_SLACK = 1.05;
    static final int THREAD_POOL_SIZE = 32;
    static final int DISTRIBUTED_MAP_CONCURRENCY = 1000;
    static final int DISTRIBUTED_MAP_CHILD_MEMORY_MB = 128;
    static final int DISTRIBUTED_MAP_TRANSITIONS_PER_ITEM = 4;

    /**
     * The checking reading, requests a second: {@code bench dispatch} measured 50,000/s for a requestsFrom object
     * on moto's S3 and 28,000/s for a template (URLs filled, parsed and hashed) on a busy 2-core machine.
     */
    static final double SCAN_REQUESTS_PER_SECOND = 30_000;
    /**
     * Requests read again, cut into chunk messages and sent, a second, per worker cutting ranges: 1,000,000 took
     * 67-93 s on that machine's 2 cores with 10 threads (about 6,000/s a core).
     */
    static final double CUT_REQUESTS_PER_SECOND = 6_000;
    /** Messages one thread sends to SQS in batches of ten (the range messages; chunk messages are in the rate above). */
    static final double SEND_MESSAGES_PER_SECOND = 1_000;

    private final Prices prices;

    public RunPlanner(Prices prices) {
        this.prices = prices;
    }

    /**
     * @param layout          the run's chunks and lanes, as the dispatcher lays them out ({@link FleetLayout})
     * @param pagesPerRequest the calls one request makes (pages of a paginated API), as the user guesses it
     */
    public RunEstimate estimate(List<RequestSpec> requests, FleetLayout layout, FetchConfig fetch, Duration latency,
                                int workerMemoryMb, double pagesPerRequest) {
        int n = requests.size();
        int chunkSize = layout.chunkSize();
        long chunks = (n + chunkSize - 1L) / chunkSize;
        double latencySeconds = latency.toMillis() / 1000.0;
        // Each chunk fetches on its lane's share of the caps: the fleet's arithmetic, not one worker's.
        FetchConfig share = fetch.sharedBy(layout.lanes());
        double slowestChunk = 0;
        for (int c = 0; c < chunks; c++) {
            List<RequestSpec> chunk = requests.subList(c * chunkSize, (int) Math.min(n, (long) (c + 1) * chunkSize));
            slowestChunk = Math.max(slowestChunk, chunkSeconds(chunk, share, latencySeconds, pagesPerRequest));
        }
        return estimate(n, slowestChunk, layout, latency, workerMemoryMb, pagesPerRequest, fetch.checkpointIntervalMillis() / 1000.0);
    }

    /**
     * The same from one reading of the list: every chunk is modelled on the first ({@link FleetLayout} does the
     * same), unless the reading kept the whole list.
     */
    public RunEstimate estimate(RequestList list, FleetLayout layout, FetchConfig fetch, Duration latency,
                                int workerMemoryMb, double pagesPerRequest) {
        if (list.sampleIsAll()) {
            return estimate(list.sample(), layout, fetch, latency, workerMemoryMb, pagesPerRequest);
        }
        double slowestChunk = chunkSeconds(list.sample().subList(0, Math.min(list.sample().size(), layout.chunkSize())),
                fetch.sharedBy(layout.lanes()), latency.toMillis() / 1000.0, pagesPerRequest);
        return estimate(list.count(), slowestChunk, layout, latency, workerMemoryMb, pagesPerRequest, fetch.checkpointIntervalMillis() / 1000.0);
    }

    private RunEstimate estimate(int n, double slowestChunk, FleetLayout layout, Duration latency, int workerMemoryMb,
                                 double pagesPerRequest, double checkpointSeconds) {
        long chunks = (n + layout.chunkSize() - 1L) / layout.chunkSize();
        double latencySeconds = latency.toMillis() / 1000.0;
        int workerConcurrency = layout.lanes();
        long waves = (chunks + workerConcurrency - 1) / workerConcurrency;
        double wall = RUN_OVERHEAD_SECONDS + waves * (slowestChunk + CHUNK_OVERHEAD_SECONDS);

        long sqsMessages = chunks;
        long sqsRequests = (chunks + 9) / 10 + 2 * chunks; // send batches, receives, deletes
        S3Calls s3 = s3Calls(chunks, workerConcurrency, slowestChunk, checkpointSeconds);
        double gbSeconds = chunks * (slowestChunk + CHUNK_OVERHEAD_SECONDS) * workerMemoryMb / 1024.0 + 1.0;
        long lambdaRequests = chunks + 1;
        double cost = gbSeconds * prices.lambdaGbSecond()
                + lambdaRequests * prices.lambdaPerMillionRequests() / 1e6
                + sqsRequests * prices.sqsPerMillionRequests() / 1e6
                + (s3.puts() + s3.lists()) * prices.s3PutPerThousand() / 1000  // LIST is billed as a PUT
                + s3.gets() * prices.s3GetPerThousand() / 1000;

        double calls = n * pagesPerRequest;
        Map<String, RunEstimate.Alternative> alternatives = new LinkedHashMap<>();
        // A thread (or a map child) walks one request's pages one after another, as a chain must.
        double poolWall = latencySeconds * Math.ceil((double) n / THREAD_POOL_SIZE) * pagesPerRequest;
        alternatives.put("thread_pool_machine", new RunEstimate.Alternative(round(poolWall),
                round(prices.ec2PerHour() * poolWall / 3600),
                "one " + prices.ec2Instance() + " with " + THREAD_POOL_SIZE + " threads, billed for the run's time only"));
        double mapWall = latencySeconds * Math.ceil((double) n / DISTRIBUTED_MAP_CONCURRENCY) * pagesPerRequest;
        double mapCost = calls * latencySeconds * DISTRIBUTED_MAP_CHILD_MEMORY_MB / 1024.0 * prices.lambdaGbSecond()
                + calls * prices.lambdaPerMillionRequests() / 1e6
                + calls * DISTRIBUTED_MAP_TRANSITIONS_PER_ITEM * prices.stepFunctionsPerThousandTransitions() / 1000;
        alternatives.put("step_functions_distributed_map", new RunEstimate.Alternative(round(mapWall), round(mapCost),
                "one " + DISTRIBUTED_MAP_CHILD_MEMORY_MB + " MB Lambda child per request, map concurrency "
                        + DISTRIBUTED_MAP_CONCURRENCY + ", " + DISTRIBUTED_MAP_TRANSITIONS_PER_ITEM + " standard transitions per item"));

        return new RunEstimate(n, chunks, latency.toMillis(), workerConcurrency, workerMemoryMb, sqsMessages, sqsRequests,
                s3.puts(), s3.gets(), s3.lists(), round(wall), round(gbSeconds), lambdaRequests, round(cost), alternatives, prices.asOf(),
                round(dispatchSeconds(n, chunks, workerConcurrency)));
    }

    /**
     * How long the dispatcher and the workers take to queue every chunk, from the rates {@code bench dispatch}
     * measured (README, Benchmarks): the dispatcher reads the whole list once (its checking pass), then sends the
     * chunk messages itself, or for more than {@link ChunkMessages#CHUNKS_PER_RANGE} chunks one range message per
     * that many, which the workers cut into chunk messages side by side. Chunks start as soon as the first are
     * queued, so this overlaps the fetching and is not added to the run's wall time.
     */
    static double dispatchSeconds(long requests, long chunks, int workers) {
        double read = requests / SCAN_REQUESTS_PER_SECOND;
        if (chunks <= ChunkMessages.CHUNKS_PER_RANGE) {
            return read + requests / CUT_REQUESTS_PER_SECOND;
        }
        long ranges = (chunks + ChunkMessages.CHUNKS_PER_RANGE - 1) / ChunkMessages.CHUNKS_PER_RANGE;
        long cutters = Math.max(1, Math.min(workers, ranges));
        return read + ranges / SEND_MESSAGES_PER_SECOND + requests / CUT_REQUESTS_PER_SECOND / cutters;
    }

    /** S3 requests of a run by price tier: PUT (and COPY, POST), GET (and HEAD), LIST (billed as PUT). DELETE is free. */
    record S3Calls(long puts, long gets, long lists) {}

    /**
     * What a run asks of S3, as the fleet makes the calls. The dispatcher: the manifest and its run index.
     * Each chunk: a HEAD for its part, a LIST of its checkpoint, a checkpoint segment per interval it runs
     * past the first, its part (carrying its summary), and a LIST of its group of parts; its segments are
     * removed by key (DELETE is free). Each worker instance reads the manifest once. Past a thousand chunks,
     * a mark and a LIST per group. The completer: its claim and its read-back, a HEAD per part, and
     * {@code _SUCCESS}.
     */
    static S3Calls s3Calls(long chunks, int workers, double chunkSeconds, double checkpointSeconds) {
        long segmentsPerChunk = (long) Math.floor(chunkSeconds / checkpointSeconds);
        long groups = (chunks + 999) / 1000;
        long groupMarks = groups > 1 ? groups : 0;
        long puts = 2 + chunks * (1 + segmentsPerChunk) + groupMarks + 2;
        long gets = chunks + Math.min(chunks, workers) + chunks + 1;
        long lists = chunks * 2 + groupMarks;
        return new S3Calls(puts, gets, lists);
    }

    /** One chunk on one worker: its slowest host under that worker's share of the host's caps and its in-flight cap. */
    static double chunkSeconds(List<RequestSpec> chunk, FetchConfig fetch, double latencySeconds, double pagesPerRequest) {
        Map<String, Integer> perHost = new LinkedHashMap<>();
        Map<String, FetchConfig.PerHost> caps = new LinkedHashMap<>();
        for (RequestSpec r : chunk) {
            perHost.merge(r.host(), 1, Integer::sum);
            caps.putIfAbsent(r.host(), fetch.capsFor(r.url().getHost(), r.url().getPort()));
        }
        double slowest = 0;
        for (var entry : perHost.entrySet()) {
            FetchConfig.PerHost cap = caps.get(entry.getKey());
            int concurrency = Math.min(cap.maxConcurrency(), fetch.maxInFlight());
            double calls = entry.getValue() * pagesPerRequest;
            // Pages of one chain go one after another: a chain of p pages takes p latencies on its own.
            double byConcurrency = latencySeconds * Math.ceil(entry.getValue() / (double) concurrency) * pagesPerRequest;
            // The last start comes (calls - 1) spacings after the first, and its answer a latency later.
            double byRate = Math.max(0, calls - 1) * RATE_SLACK / cap.requestsPerSecond() + latencySeconds;
            slowest = Math.max(slowest, Math.max(byConcurrency, byRate));
        }
        return slowest;
    }

    private static double round(double value) {
        return value >= 1 ? Math.round(value * 100) / 100.0 : Math.round(value * 1e6) / 1e6;
    }
}
