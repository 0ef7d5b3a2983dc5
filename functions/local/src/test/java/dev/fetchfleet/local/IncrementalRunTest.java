package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled runs of an incremental source against an API whose items change between them: the second
 * asks only for what is newer than the first run's largest value; a run with a failed request leaves
 * the state where it was and says why in _SUCCESS and status, and the next clean run moves it; a full
 * refresh starts from the initial value.
 */
class IncrementalRunTest {

    private static final String INITIAL = "2026-01-01T00:00:00Z";

    private static Cli.Result fetchfleet(String... args) {
        return Cli.run(args);
    }

    private static Path onlySuccessOf(Path bronze, String runId) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(bronze)) {
            return files.filter(p -> p.getFileName().toString().equals("_SUCCESS") && p.toString().contains("run_id=" + runId + "/"))
                    .findFirst().orElseThrow();
        }
    }

    @Test
    void theNextRunFetchesOnlyWhatIsNewerThanTheLastCompletedRun(@TempDir Path dir) throws Exception {
        Map<String, String> items = new ConcurrentSkipListMap<>(Map.of("a", "2026-02-01T00:00:00Z", "b", "2026-03-01T00:00:00Z"));
        List<String> sinceSeen = new CopyOnWriteArrayList<>();
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        api.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        api.createContext("/broken", exchange -> {
            try (exchange) {
                HttpJson.send(exchange, 503, "{\"error\": \"down\"}");
            }
        });
        api.createContext("/changes", exchange -> {
            try (exchange) {
                String since = URLDecoder.decode(exchange.getRequestURI().getRawQuery().replaceFirst("^since=", ""), StandardCharsets.UTF_8);
                sinceSeen.add(since);
                String body = items.entrySet().stream().filter(e -> e.getValue().compareTo(since) > 0)
                        .map(e -> "{\"id\":\"" + e.getKey() + "\",\"updated_at\":\"" + e.getValue() + "\"}")
                        .collect(Collectors.joining(",", "{\"items\":[", "]}"));
                HttpJson.send(exchange, 200, body);
            }
        });
        api.start();
        try {
            String base = "http://127.0.0.1:" + api.getAddress().getPort();
            String incremental = "\"incremental\": {\"name\": \"since\", \"itemsPath\": \"items\", \"valuePath\": \"updated_at\", \"initial\": \"" + INITIAL + "\"}";
            Path job = dir.resolve("job.json");
            Files.writeString(job, "{\"source\": \"changes\", \"requests\": [{\"id\": \"changes\", \"url\": \"" + base
                    + "/changes?since={{state:since}}\"}], " + incremental + "}");
            String bronze = dir.resolve("bronze").toString();

            Cli.Result first = fetchfleet("run", job.toString(), "--bronze", bronze);
            assertEquals(0, first.exitCode(), first.err());
            assertEquals(List.of(INITIAL), sinceSeen, "the first run starts from the initial value");

            items.put("c", "2026-04-01T00:00:00Z");
            Cli.Result second = fetchfleet("run", job.toString(), "--bronze", bronze);
            assertEquals(0, second.exitCode(), second.err());
            assertEquals("2026-03-01T00:00:00Z", sinceSeen.get(1), "the second run asks only for what is newer");

            // A run in which one request fails (503 after its retries) completes, but holds the state: the
            // items it saw (2026-05-01) are not a reason to skip what the failed request would have returned.
            Path failing = dir.resolve("failing.json");
            Files.writeString(failing, "{\"source\": \"changes\", \"requests\": [{\"id\": \"changes\", \"url\": \"" + base
                    + "/changes?since={{state:since}}\"}, {\"id\": \"broken\", \"url\": \"" + base + "/broken\"}], "
                    + "\"fetch\": {\"retry\": {\"maxAttempts\": 2, \"baseDelayMillis\": 10, \"maxDelayMillis\": 10}}, " + incremental + "}");
            items.put("d", "2026-05-01T00:00:00Z");
            Cli.Result failed = fetchfleet("run", failing.toString(), "--bronze", bronze);
            assertEquals(0, failed.exitCode(), "every request is in bronze, the failed one with its 503: " + failed.err());
            assertTrue(failed.err().contains("source state held: 1 of 2 requests failed"), failed.err());
            assertEquals("2026-04-01T00:00:00Z", sinceSeen.getLast());

            String failedRun = failed.summary().get("run_id").asText();
            Cli.Result held = fetchfleet("status", "--bronze", bronze, "--run-id", failedRun);
            assertEquals("2026-04-01T00:00:00Z", held.summary().get("source_state").get("values").get("since").asText(),
                    "state is the second run's largest value, not moved by the failed run's 2026-05-01");
            assertEquals(1, held.summary().get("failed_requests").asInt());
            assertFalse(held.summary().get("state_move").get("advanced").asBoolean());
            assertTrue(held.err().contains("source state held: 1 of 2 requests failed"), held.err());
            JsonNode success = Json.newMapper().readTree(Files.readString(onlySuccessOf(Path.of(bronze), failedRun)));
            assertEquals(1, success.get("failed_requests").asInt());
            assertTrue(success.get("state").get("reason").asText().contains("1 with a 5xx or 429 after their retries"), success.toString());

            // The next clean run starts from the held state, sees what the failed run saw, and moves it.
            Cli.Result clean = fetchfleet("run", job.toString(), "--bronze", bronze);
            assertEquals(0, clean.exitCode(), clean.err());
            assertEquals("2026-04-01T00:00:00Z", sinceSeen.getLast(), "asked from where the state held");
            Cli.Result moved = fetchfleet("status", "--bronze", bronze, "--run-id", clean.summary().get("run_id").asText());
            assertEquals("2026-05-01T00:00:00Z", moved.summary().get("source_state").get("values").get("since").asText());
            assertTrue(moved.summary().get("state_move").get("advanced").asBoolean());

            Cli.Result refresh = fetchfleet("run", job.toString(), "--bronze", bronze, "--full-refresh");
            assertEquals(0, refresh.exitCode(), refresh.err());
            assertEquals(INITIAL, sinceSeen.getLast(), "a full refresh starts from the initial value");
            JsonNode manifest = Json.newMapper().readTree(Files.readString(onlySuccessOf(Path.of(bronze),
                    refresh.summary().get("run_id").asText()).resolveSibling("_manifest.json")));
            assertTrue(manifest.get("incremental").get("full_refresh").asBoolean(), "the manifest records the override, typed: " + manifest);
            JsonNode kept = Json.newMapper().readTree(Files.readString(onlySuccessOf(Path.of(bronze),
                    refresh.summary().get("run_id").asText()).resolveSibling("_job.json")));
            assertFalse(kept.get("incremental").has("fullRefresh"), "the job itself stays as its author wrote it");
            assertTrue(Files.readString(Path.of(bronze, "_state", "source=changes", "state.json")).contains("2026-05-01T00:00:00Z"),
                    "and its completed run keeps the state at what it saw");
        } finally {
            api.stop(0);
        }
    }
}
