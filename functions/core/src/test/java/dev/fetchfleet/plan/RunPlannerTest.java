package dev.fetchfleet.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class RunPlannerTest {

    private final Prices prices = Prices.load(Json.newMapper());
    private final RunPlanner planner = new RunPlanner(prices);

    private static List<RequestSpec> requests(int n, String host) {
        List<RequestSpec> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new RequestSpec("r" + i, "GET", URI.create("https://" + host + "/items/" + i), Map.of(), null));
        }
        return list;
    }

    @Test
    void thePricesFileCarriesItsDate() {
        assertTrue(prices.asOf().matches("\\d{4}-\\d{2}-\\d{2}"), prices.asOf());
        assertTrue(prices.lambdaGbSecond() > 0 && prices.sqsPerMillionRequests() > 0 && prices.s3PutPerThousand() > 0);
    }

    @Test
    void countsChunksMessagesAndCalls() {
        RunEstimate e = planner.estimate(requests(1000, "api.example.com"), new FleetLayout(100, 10, 10), FetchConfig.DEFAULT, Duration.ofSeconds(1), 1769, 1);
        assertEquals(1000, e.requests());
        assertEquals(10, e.chunks());
        assertEquals(10, e.sqsMessages());
        assertEquals(1 + 2 * 10, e.sqsRequests());
        // Chunks of 100 on 3 of the API's 32 in flight (a tenth each) take 34 s: a checkpoint segment a second.
        // PUTs: manifest and run index, per chunk its part (carrying its summary) and 34 segments, then the claim and _SUCCESS.
        assertEquals(2 + 10 * (1 + 34) + 2, e.s3Puts());
        // GETs and HEADs: per chunk the part's HEAD, and its HEAD at completion for its summary, the manifest once per worker, the claim's check.
        assertEquals(10 + 10 + 10 + 1, e.s3Gets());
        assertEquals(2 * 10, e.s3Lists(), "per chunk its checkpoint's LIST and one of its group of parts");
        assertEquals(11, e.lambdaRequests());
    }

    @Test
    void aConcurrencyBoundChunkTakesRoundsOfTheLatencyAndChunksGoInWaves() {
        FetchConfig caps = new FetchConfig(256, new FetchConfig.PerHost(25, 100_000), 30, FetchConfig.Retry.DEFAULT);
        // The API takes 25 in flight; 5 lanes get 5 each. 100 per chunk at 5 at a time: 20 rounds of 1 s;
        // 10 chunks on 5 lanes: 2 waves. 40 s, as 1,000 calls at 25 at a time take.
        RunEstimate e = planner.estimate(requests(1000, "api.example.com"), new FleetLayout(100, 10, 5), caps, Duration.ofSeconds(1), 1769, 1);
        assertEquals(RunPlanner.RUN_OVERHEAD_SECONDS + 2 * (20 + RunPlanner.CHUNK_OVERHEAD_SECONDS), e.expectedWallSeconds(), 1e-6);
    }

    @Test
    void aRateBoundChunkTakesItsCallsOverTheRate() {
        FetchConfig caps = new FetchConfig(256, new FetchConfig.PerHost(100, 10), 30, FetchConfig.Retry.DEFAULT);
        RunEstimate e = planner.estimate(requests(100, "api.example.com"), new FleetLayout(100, 1, 1), caps, Duration.ofMillis(100), 1769, 1);
        // The last of 100 starts comes 99 spacings after the first, and its answer a latency later.
        assertEquals(RunPlanner.RUN_OVERHEAD_SECONDS + 99 * RunPlanner.RATE_SLACK / 10 + 0.1 + RunPlanner.CHUNK_OVERHEAD_SECONDS,
                e.expectedWallSeconds(), 0.01, "rounded to hundredths");
    }

    @Test
    void pagesOfAChainAddUpAndTheAlternativesScaleWithCalls() {
        FetchConfig caps = new FetchConfig(256, new FetchConfig.PerHost(100, 100_000), 30, FetchConfig.Retry.DEFAULT);
        RunEstimate one = planner.estimate(requests(100, "api.example.com"), new FleetLayout(100, 1, 1), caps, Duration.ofSeconds(1), 1769, 1);
        RunEstimate ten = planner.estimate(requests(100, "api.example.com"), new FleetLayout(100, 1, 1), caps, Duration.ofSeconds(1), 1769, 10);
        assertEquals(10 + RunPlanner.RUN_OVERHEAD_SECONDS + RunPlanner.CHUNK_OVERHEAD_SECONDS, ten.expectedWallSeconds(), 1e-6);
        assertEquals(10 * one.alternatives().get("thread_pool_machine").wallSeconds(),
                ten.alternatives().get("thread_pool_machine").wallSeconds(), 1e-6);
        assertTrue(ten.alternatives().get("step_functions_distributed_map").costUsd()
                > one.alternatives().get("step_functions_distributed_map").costUsd());
        assertEquals(one.s3Puts() + 9, ten.s3Puts(), "a checkpoint PUT per second the chunk runs, not one per page");
    }

    @Test
    void theThreadPoolMachineTakesAboutThirtyFiveMinutesForAThousandOneMinuteCalls() {
        RunEstimate e = planner.estimate(requests(1000, "api.example.com"), new FleetLayout(100, 10, 10), FetchConfig.DEFAULT, Duration.ofMinutes(1), 1769, 1);
        // ceil(1000 / 32) = 32 rounds of a minute: the product's "about 35 minutes".
        assertEquals(32 * 60, e.alternatives().get("thread_pool_machine").wallSeconds(), 1e-6);
    }

    @Test
    void predictsDispatchAsOneReadingOfTheListThenRangesTheWorkersCutSideBySide() {
        // 10,000,000 requests of 100: 100,000 chunks in 1,000 ranges, cut by 10 workers at once.
        double tenMillion = RunPlanner.dispatchSeconds(10_000_000, 100_000, 10);
        assertEquals(10_000_000 / RunPlanner.SCAN_REQUESTS_PER_SECOND + 1_000 / RunPlanner.SEND_MESSAGES_PER_SECOND
                + 10_000_000 / RunPlanner.CUT_REQUESTS_PER_SECOND / 10, tenMillion, 1e-6);
        // A small run is read once and its chunks cut by the dispatcher alone.
        assertEquals(5_000 / RunPlanner.SCAN_REQUESTS_PER_SECOND + 5_000 / RunPlanner.CUT_REQUESTS_PER_SECOND,
                RunPlanner.dispatchSeconds(5_000, 50, 10), 1e-6);
        RunEstimate e = planner.estimate(requests(1000, "api.example.com"), new FleetLayout(100, 10, 10), FetchConfig.DEFAULT,
                Duration.ofSeconds(1), 1769, 1);
        assertTrue(e.dispatchSeconds() > 0, "the estimate carries it: " + e);
    }
}
