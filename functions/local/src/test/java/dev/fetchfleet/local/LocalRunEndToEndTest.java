package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local runner as a user runs it: a job file, a bronze directory, the exit code and the last line. */
class LocalRunEndToEndTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final Pattern PART = Pattern.compile(
            "source=flaky/ingest_date=\\d{4}-\\d{2}-\\d{2}/run_id=([A-Za-z0-9_-]+)/part-\\d{5}\\.jsonl\\.gz");

    private static Cli.Result fetchfleet(String... args) {
        return Cli.run(args);
    }

    @Test
    void runLandsEveryRequestOfA1000RequestJobInBronzeExactlyOnceWithItsStatus(@TempDir Path dir) throws Exception {
        try (FlakyApi api = new FlakyApi(100)) {
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "flaky", "chunkSize": 50,
                     "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": 1000}}},
                     "fetch": {"perHost": {"maxConcurrency": 50, "requestsPerSecond": 500},
                               "retry": {"maxAttempts": 3, "baseDelayMillis": 20, "maxDelayMillis": 200}}}
                    """.formatted(api.base()));
            Path bronze = dir.resolve("bronze");

            Cli.Result result = fetchfleet("run", job.toString(), "--bronze", bronze.toString(), "--workers", "8");

            assertEquals(0, result.exitCode(), result.err());
            JsonNode summary = result.summary();
            assertTrue(summary.get("complete").asBoolean(), summary.toString());
            assertEquals(1000, summary.get("requests").asInt());
            assertEquals(0, summary.get("duplicates").asInt());

            Map<Integer, JsonNode> byItem = new HashMap<>();
            String runId = summary.get("run_id").asText();
            List<Path> parts;
            try (Stream<Path> files = Files.walk(bronze)) {
                parts = files.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
            }
            // chunkSize is the largest chunk: the dispatcher may cut smaller ones so that the lanes end together.
            int chunks = MAPPER.readTree(parts.getFirst().getParent().resolve("_manifest.json").toFile()).get("chunks").asInt();
            assertEquals(chunks, parts.size());
            assertTrue(chunks >= 20, "no chunk over chunkSize 50: " + chunks + " chunks");
            for (Path part : parts) {
                Matcher m = PART.matcher(bronze.relativize(part).toString());
                assertTrue(m.matches(), "design layout: " + part);
                assertEquals(runId, m.group(1));
                for (JsonNode record : readPart(part)) {
                    int n = Integer.parseInt(record.get("url").asText().replaceAll(".*/", ""));
                    assertEquals(null, byItem.put(n, record), "item " + n + " appears once");
                }
            }
            assertEquals(1000, byItem.size());
            for (int n = 1; n <= 1000; n++) {
                JsonNode record = byItem.get(n);
                assertEquals(FlakyApi.finalStatus(n), record.get("status").asInt(), "status of item " + n);
                assertEquals(FlakyApi.expectedCalls(n, 3), record.get("attempts").asInt(), "attempts of item " + n);
                assertEquals(FlakyApi.expectedCalls(n, 3), api.calls.get(n).get(), "calls the API saw for item " + n);
            }
            Path runDir = parts.getFirst().getParent();
            assertTrue(Files.exists(runDir.resolve("_manifest.json")));
            JsonNode success = MAPPER.readTree(runDir.resolve("_SUCCESS").toFile());
            assertEquals(1000, success.get("requests").asInt());
            assertEquals(100, success.get("status_counts").get("404").asInt());
            assertEquals(10, success.get("status_counts").get("503").asInt());
            assertEquals(890, success.get("status_counts").get("200").asInt());

            Cli.Result status = fetchfleet("status", "--bronze", bronze.toString(), "--run-id", runId);
            assertEquals(0, status.exitCode(), status.err());
            JsonNode state = status.summary();
            assertTrue(state.get("complete").asBoolean());
            assertEquals(chunks, state.get("parts_written").asInt());
            assertEquals(chunks, state.get("parts_expected").asInt());
            assertEquals(1000, state.get("records").asInt());
            assertEquals(100, state.get("status_counts").get("404").asInt());
            assertTrue(state.get("estimated_wall_seconds").asDouble() > 0, "the manifest carries the planner's estimate");
            assertTrue(state.get("actual_wall_seconds").asDouble() > 0);
            assertEquals(1, fetchfleet("status", "--bronze", bronze.toString(), "--run-id", "no-such-run").exitCode());
        }
    }

    @Test
    void aBadJobExitsNonZeroNamingTheFieldAndValueAndSendsNothing(@TempDir Path dir) throws Exception {
        try (FlakyApi api = new FlakyApi(0)) {
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "flaky", "requests": [{"url": "%s/items/1"}, {"url": "gopher://example.com/x"}], "chunkSze": 10}
                    """.formatted(api.base()));
            Path bronze = dir.resolve("bronze");

            Cli.Result result = fetchfleet("run", job.toString(), "--bronze", bronze.toString());

            assertEquals(FetchFleetCli.EXIT_INVALID_JOB, result.exitCode());
            assertTrue(result.err().contains("$.requests[1].url = \"gopher://example.com/x\""), result.err());
            assertTrue(result.err().contains("$.chunkSze"), result.err());
            assertEquals(0, api.total());
            assertFalse(Files.exists(bronze) && Files.list(bronze).findAny().isPresent(), "nothing written");
        }
    }

    @Test
    void aChunkThatKeepsFailingEndsInTheDeadLetterQueueAndTheRunExitsIncompleteSayingWhy(@TempDir Path dir) throws Exception {
        try (FlakyApi api = new FlakyApi(0)) {
            StringBuilder requests = new StringBuilder();
            for (int n = 1; n <= 30; n++) {
                // Chunk 1 (items 11-20) needs a secret its store cannot give (nothing listens where the store
                // is asked): it fails every delivery.
                String headers = n > 10 && n <= 20 ? ", \"headers\": {\"X-Token\": \"{{ssm:/fetchfleet/missing}}\"}" : "";
                requests.append(n == 1 ? "" : ",").append("{\"url\": \"").append(api.base()).append("/items/").append(n)
                        .append("\"").append(headers).append("}");
            }
            Path job = dir.resolve("job.json");
            Files.writeString(job, "{\"source\": \"flaky\", \"chunkSize\": 10, \"requests\": [" + requests + "]}");
            Path bronze = dir.resolve("bronze");

            int nothingListens;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                nothingListens = socket.getLocalPort();
            }

            Cli.Result result = fetchfleet("run", job.toString(), "--bronze", bronze.toString(), "--max-receive-count", "2",
                    "--resolve-secrets", "--endpoint-url", "http://127.0.0.1:" + nothingListens);

            assertEquals(FetchFleetCli.EXIT_INCOMPLETE, result.exitCode(), result.err());
            JsonNode summary = result.summary();
            assertFalse(summary.get("complete").asBoolean());
            assertEquals(1, summary.get("dead_letters").asInt());
            assertEquals(20, summary.get("records").asInt());
            assertTrue(summary.get("problem").asText().contains("{{ssm:/fetchfleet/missing}}"), summary.toString());
            for (int n = 11; n <= 20; n++) {
                assertFalse(api.calls.containsKey(n), "item " + n + " was never sent without its secret");
            }
            try (Stream<Path> files = Files.walk(bronze)) {
                assertFalse(files.anyMatch(p -> p.getFileName().toString().equals("_SUCCESS")));
            }
            Cli.Result status = fetchfleet("status", "--bronze", bronze.toString(), "--run-id", summary.get("run_id").asText());
            assertEquals(FetchFleetCli.EXIT_INCOMPLETE, status.exitCode(), status.err());
            assertEquals(2, status.summary().get("parts_written").asInt());
            assertEquals(3, status.summary().get("parts_expected").asInt());
        }
    }

    @Test
    void aPaginatedJobLandsEveryPageOfEveryChainOnceAsItsOwnRecord(@TempDir Path dir) throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(java.time.Duration.ofMillis(20), 0, 1))) {
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "feed", "chunkSize": 10,
                     "template": {"url": "%s/feed/{chain}?pages=4", "values": {"chain": {"from": 1, "to": 30}}},
                     "paginate": {"type": "cursor", "path": "meta.next_cursor", "param": "cursor"}}
                    """.formatted(api.baseUrl()));
            Path bronze = dir.resolve("bronze");

            Cli.Result result = fetchfleet("run", job.toString(), "--bronze", bronze.toString(), "--workers", "3");

            assertEquals(0, result.exitCode(), result.err());
            JsonNode summary = result.summary();
            assertTrue(summary.get("complete").asBoolean(), summary.toString());
            assertEquals(30, summary.get("requests").asInt());
            assertEquals(120, summary.get("records").asInt());
            assertEquals(0, summary.get("duplicates").asInt());
            Map<String, java.util.Set<Integer>> pagesByChain = new HashMap<>();
            try (Stream<Path> files = Files.walk(bronze)) {
                for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                    for (JsonNode record : readPart(part)) {
                        String chain = record.get("body").get("chain").asText();
                        assertTrue(pagesByChain.computeIfAbsent(chain, k -> new java.util.HashSet<>()).add(record.get("page").asInt()),
                                "page once: " + record);
                        assertEquals(chain + "-" + record.get("page").asInt(), record.get("body").get("items").get(0).get("id").asText());
                    }
                }
            }
            assertEquals(30, pagesByChain.size());
            pagesByChain.values().forEach(pages -> assertEquals(java.util.Set.of(0, 1, 2, 3), pages));
            assertEquals(120, api.served(), "no page fetched twice");
        }
    }

    @Test
    void demoRunsAGeneratedJobAgainstItsOwnApiAndSummarizes(@TempDir Path dir) throws Exception {
        Cli.Result result = fetchfleet("demo", "--requests", "60", "--latency-ms", "50", "--chunk-size", "20",
                "--bronze", dir.resolve("bronze").toString());

        assertEquals(0, result.exitCode(), result.err());
        JsonNode summary = result.summary();
        assertEquals(60, summary.get("requests").asInt());
        assertEquals(60, summary.get("succeeded").asInt());
        assertTrue(summary.get("sequential_seconds").asDouble() >= 60 * 0.05, summary.toString());
        assertTrue(result.err().contains("chunks 3/3 written"), result.err());
    }

    private static List<JsonNode> readPart(Path part) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(part)), StandardCharsets.UTF_8))) {
            return reader.lines().map(line -> {
                try {
                    return MAPPER.readTree(line);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }
}
