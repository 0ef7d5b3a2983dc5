package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's auth and list examples (events/demo-*-job.json) run as written against the demo API,
 * only its port changed: each completes with every record a 200.
 */
class DemoJobExamplesTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"demo-oauth2-job.json, 200", "demo-refresh-token-job.json, 50", "demo-api-key-job.json, 50",
            "demo-stripe-list-job.json, 10", "demo-offset-total-job.json, 10", "demo-search-body-cursor-job.json, 10",
            "demo-daily-windows-job.json, 365", "demo-children-job.json, 10"})
    void runsAgainstTheDemoApiAsWritten(String file, int records) throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(1), 0, 1))) {
            String written = Files.readString(Path.of("../../events", file));
            Path job = dir.resolve(file);
            Files.writeString(job, written.replace("http://127.0.0.1:8765", api.baseUrl().toString()));

            Cli.Result result = Cli.run("run", job.toString(), "--bronze", dir.resolve("bronze").toString(), "--workers", "4");

            assertEquals(0, result.exitCode(), result.err());
            JsonNode summary = result.summary();
            assertTrue(summary.get("complete").asBoolean(), summary.toString());
            assertEquals(records, summary.get("records").asInt(), summary.toString());
            if (file.equals("demo-children-job.json")) {
                // 10 pages of 20 issues: a detail each, and two pages of comments each.
                assertEquals(List.of(10, 200, 400), summary.get("levels").findValues("records").stream().map(JsonNode::asInt).toList());
            }
            assertEquals(0, api.auth().unauthorized(), "no call went without its credential");
            assertEquals(0, api.lists().pastTheEnd(), "no list was asked past its end");
        }
    }
}
