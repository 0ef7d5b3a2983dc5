package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run prints on stderr: lines for a person, nothing with --quiet, JSON objects with --json; stdout ends with the summary. */
class TerminalModesTest {

    private static final ObjectMapper MAPPER = Json.newMapper();

    @Test
    void jsonPrintsEveryProgressLineAsAnObjectCountingRequestsAndQuietPrintsNothing(@TempDir Path dir) throws Exception {
        try (FlakyApi api = new FlakyApi(1)) {
            Path job = dir.resolve("job.json");
            // Items 1, 2, 4, 6, 8 and 10 answer 200 at once: nothing retried, nothing failing.
            Files.writeString(job, """
                    {"source": "plain", "chunkSize": 3,
                     "requests": [{"url": "%1$s/items/1"}, {"url": "%1$s/items/2"}, {"url": "%1$s/items/4"},
                                  {"url": "%1$s/items/6"}, {"url": "%1$s/items/8"}, {"url": "%1$s/items/10"}]}
                    """.formatted(api.base()));

            Cli.Result json = Cli.run("run", job.toString(), "--bronze", dir.resolve("b1").toString(), "--workers", "2", "--json");
            assertEquals(0, json.exitCode(), json.err());
            List<JsonNode> events = new ArrayList<>();
            for (String line : json.err().lines().toList()) {
                events.add(MAPPER.readTree(line)); // fails on any line that is not JSON
            }
            assertEquals("dispatched", events.getFirst().get("event").asText(), json.err());
            JsonNode last = events.getLast();
            assertEquals("progress", last.get("event").asText(), json.err());
            assertEquals(6, last.get("requests_done").asInt(), "every request counted as it ended: " + last);
            assertEquals(6, last.get("requests").asInt());
            assertEquals(last.get("chunks").asInt(), last.get("chunks_written").asInt());
            assertTrue(json.summary().get("complete").asBoolean());

            Cli.Result quiet = Cli.run("run", job.toString(), "--bronze", dir.resolve("b2").toString(), "--workers", "2", "--quiet");
            assertEquals(0, quiet.exitCode(), quiet.err());
            assertEquals("", quiet.err());
            assertTrue(quiet.summary().get("complete").asBoolean());
        }
    }
}
