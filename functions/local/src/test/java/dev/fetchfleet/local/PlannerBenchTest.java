package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code bench planner} measures what the planner predicted against a local run. How close they come
 * is wall time on this machine, so the default build checks only that a (small) measurement runs and
 * reports both figures; README says how to measure the 20% on a quiet machine.
 */
@Tag("bench")
class PlannerBenchTest {

    @Test
    void reportsThePredictionBesideTheMeasuredRun() throws Exception {
        BenchPlanner.Scenario small = new BenchPlanner.Scenario("small", 20, 10, 2, 5, 1000, 50);

        BenchPlanner.Result result = BenchPlanner.measure(small, Json.newMapper());

        assertEquals(small, result.scenario());
        assertTrue(result.complete(), "every request of the run succeeded: " + result);
        assertTrue(result.predictedSeconds() > 0 && result.measuredSeconds() > 0, result.toString());
        System.out.printf("planner, small: predicted %.2f s, measured %.2f s%n", result.predictedSeconds(), result.measuredSeconds());
    }
}
