package dev.fetchfleet.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.RequestSource;
import dev.fetchfleet.job.RequestSpec;
import dev.fetchfleet.plan.FleetLayout;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the dispatcher tells a user about the caps that bind a run, before it starts. */
@Tag("unit")
class FleetCapsTest {

    private static List<RequestSpec> requests(int n, String host) {
        return IntStream.range(0, n).mapToObj(i -> {
            String url = "https://" + host + "/items/" + i;
            return new RequestSpec("r" + i, "GET", URI.create(url), Map.of(), null);
        }).toList();
    }

    private static Job job(FetchConfig.PerHost perHost, Map<String, FetchConfig.PerHost> hosts, int maxInFlight, List<RequestSpec> requests) {
        FetchConfig fetch = new FetchConfig(maxInFlight, perHost, hosts, 30, FetchConfig.Retry.DEFAULT, 0, List.of(), false);
        return new Job("posts", null, new RequestSource.Inline(requests), 100, fetch, null);
    }

    private static List<String> notes(Job job, List<RequestSpec> requests, int workers) {
        FleetLayout layout = FleetLayout.plan(requests, job.chunkSize(), job.fetch(), workers, Duration.ofSeconds(1), 1);
        return FleetCaps.notes(job, requests, layout, workers);
    }

    private static void assertMentions(String note, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(note.contains(fragment), () -> "expected <" + fragment + "> in: " + note);
        }
    }

    @Test
    void namesTheDefaultRateWhenItPacesTheRun() {
        List<RequestSpec> requests = requests(2_000, "api.example.com");
        // The user raised the concurrency to the API's, but not the rate.
        List<String> notes = notes(job(new FetchConfig.PerHost(10_000, 50), Map.of(), 256, requests), requests, 10);

        assertEquals(1, notes.size(), notes::toString);
        assertMentions(notes.getFirst(), "api.example.com", "fetch.perHost.requestsPerSecond = 50", "the default", "40.0 s");
    }

    @Test
    void namesTheDefaultConcurrencyWhenItPacesTheRun() {
        List<RequestSpec> requests = requests(2_000, "api.example.com");
        List<String> notes = notes(job(new FetchConfig.PerHost(32, 10_000), Map.of(), 256, requests), requests, 8);

        assertEquals(1, notes.size(), notes::toString);
        assertMentions(notes.getFirst(), "fetch.perHost.maxConcurrency = 32", "the default");
    }

    @Test
    void saysNothingWhenTheUsersOwnCapsPaceTheRun() {
        List<RequestSpec> requests = requests(2_000, "api.example.com");
        assertEquals(List.of(), notes(job(new FetchConfig.PerHost(100, 1_000), Map.of(), 256, requests), requests, 10));
    }

    @Test
    void saysWhenTheWorkersSocketsCannotReachTheApisConcurrency() {
        // 10,000 in flight allowed, but 4 workers x 256 sockets hold 1,024.
        List<RequestSpec> requests = requests(20_000, "api.example.com");
        List<String> notes = notes(job(new FetchConfig.PerHost(10_000, 100_000), Map.of(), 256, requests), requests, 4);

        assertEquals(1, notes.size(), notes::toString);
        assertMentions(notes.getFirst(), "only 1,024 of the API's 10,000", "fetch.maxInFlight");
    }

    @Test
    void saysWhenACapBelowTheWorkerCountLetsFewerWorkersFetch() {
        List<RequestSpec> requests = requests(1_000, "slow.example.com");
        List<String> notes = notes(job(new FetchConfig.PerHost(32, 50),
                Map.of("slow.example.com", new FetchConfig.PerHost(3, 10)), 256, requests), requests, 10);

        assertEquals(1, notes.size(), notes::toString);
        assertMentions(notes.getFirst(), "slow.example.com", "below the 10 workers", "only 3 chunks fetch at once");
    }
}
