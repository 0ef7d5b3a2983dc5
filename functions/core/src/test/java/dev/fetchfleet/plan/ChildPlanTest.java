package dev.fetchfleet.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fetchfleet.Json;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.JobParser;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ChildPlanTest {

    private static final String JOB = """
            {"source": "issues", "template": {"url": "https://api.example.com/issues?from={f}", "values": {"f": {"from": 1, "to": 5}}},
             "paginate": {"type": "cursor", "path": "meta.next", "param": "cursor"}, "chunkSize": 1,
             "fetch": {"perHost": {"maxConcurrency": 10, "requestsPerSecond": 100}},
             "plan": {"pagesPerRequest": 2, "itemsPerPage": 20},
             "children": [
               {"source": "detail", "from": {"itemsPath": "items", "bind": {"n": "number"}},
                "request": {"url": "https://api.example.com/issues/{n}"}, "paginate": null, "chunkSize": 10,
                "children": [{"source": "labels", "from": {"itemsPath": "labels", "bind": {"l": "id"}},
                              "request": {"url": "https://api.example.com/labels/{l}"}, "chunkSize": 100}]},
               {"source": "comments", "from": {"itemsPath": "items", "bind": {"n": "number"}},
                "request": {"url": "https://api.example.com/issues/{n}/comments"}, "chunkSize": 10}]}
            """;

    @Test
    void eachLevelIsItsParentsPagesTimesTheItemsOnEachAndItsOwnPages() {
        Job job = new JobParser(Json.newMapper()).parse(JOB);

        List<ChildPlan.Level> levels = ChildPlan.levels(job, 5, job.plan().pagesPerRequest(), job.plan().itemsPerPage());

        assertEquals(List.of(
                new ChildPlan.Level("issues", null, 5, 10, 5),
                new ChildPlan.Level("detail", "issues", 200, 200, 20),
                new ChildPlan.Level("labels", "detail", 4000, 4000, 40), // no paginate: the detail level has none to give
                new ChildPlan.Level("comments", "issues", 200, 400, 20)), levels);
        // 4,610 calls in all: 10 at once of 1 s each bound it to 461 s; at 10 ms a call, 100 a second bounds it to 46.1 s.
        assertEquals(461.0, ChildPlan.boundSeconds(levels, job.fetch(), Duration.ofSeconds(1)), 1e-9);
        assertEquals(46.1, ChildPlan.boundSeconds(levels, job.fetch(), Duration.ofMillis(10)), 1e-9);
    }
}
