package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The benchmarks' API in a JVM of its own: found by the line demo-api prints, and counting what it serves. */
class ApiProcessTest {

    @Test
    // A start that never recognises the demo API's line blocks in a read no interrupt ends: time it out from outside.
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theDemoApiStartsInItsOwnJvmAndCountsWhatItServes() throws Exception {
        try (ApiProcess api = ApiProcess.start(Duration.ofMillis(10), Json.newMapper())) {
            assertTrue(api.base().toString().startsWith("http://127.0.0.1:"), api.base().toString());
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(api.base() + "/items/7")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            JsonNode stats = api.stats();
            assertEquals(1, stats.get("served").asInt(), stats.toString());
            assertEquals(1, stats.get("connections").asInt(), "the warm-up's connections forgotten, the test's one counted: " + stats);
            assertTrue(stats.get("spanSeconds").asDouble() > 0, stats.toString());
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theDemoApiMeasuresTheGapsBetweenAChainsPagesAndTheChainsStarts() throws Exception {
        try (ApiProcess api = ApiProcess.start(Duration.ofMillis(1), Json.newMapper())) {
            HttpClient http = HttpClient.newHttpClient();
            for (String chain : new String[] {"a", "b"}) {
                for (int page = 0; page < 3; page++) {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                            URI.create(api.base() + "/feed/" + chain + "?pages=3" + (page == 0 ? "" : "&cursor=" + page))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, answer.statusCode(), answer.body());
                }
            }
            JsonNode feed = api.stats().get("feed");
            assertEquals(2, feed.get("chains").asInt(), feed.toString());
            assertEquals(4, feed.get("gaps").asInt(), "two gaps a chain of three pages: " + feed);
            assertTrue(feed.get("gapMaxMillis").asDouble() >= feed.get("gapP50Millis").asDouble(), feed.toString());
            assertTrue(feed.get("firstPageSpreadMillis").asDouble() > 0, "chain b started after chain a: " + feed);
        }
    }

    @Test
    void theApisJvmGetsTheLaunchersJitAndCollectorAndNothingElse() {
        assertEquals(java.util.List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), ApiProcess.jitAndCollector(java.util.List.of(
                "--sun-misc-unsafe-memory-access=allow", "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=/x/fetchfleet-bench.jsa",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:StartFlightRecording=filename=/tmp/a.jfr", "-Xmx2g")));
        assertEquals(java.util.List.of(), ApiProcess.jitAndCollector(java.util.List.of("-Xshare:off")), "a JVM on its defaults");
    }
}
