package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs with children run by the local fleet against the demo API on loopback: a list of issues, a detail and a
 * two-page comment list per issue. What is checked is what a user reads: each level's bronze and _SUCCESS.
 */
class LocalChildrenTest {

    private static final ObjectMapper MAPPER = Json.newMapper();

    static String job(String base, String listQuery) {
        return """
                {"source": "issues", "requests": ["%1$s/issues?%2$s"], "chunkSize": 5,
                 "paginate": {"type": "cursor", "path": "meta.next", "param": "cursor"},
                 "fetch": {"perHost": {"maxConcurrency": 16, "requestsPerSecond": 2000},
                           "retry": {"maxAttempts": 3, "baseDelayMillis": 20, "maxDelayMillis": 200}},
                 "children": [
                   {"source": "issue_detail", "from": {"itemsPath": "items", "bind": {"repo": "repo.name", "number": "number"}},
                    "request": {"url": "%1$s/repos/{repo}/issues/{number}"}, "paginate": null, "chunkSize": 25},
                   {"source": "issue_comments", "from": {"itemsPath": "items", "bind": {"repo": "repo.name", "number": "number"}},
                    "request": {"url": "%1$s/repos/{repo}/issues/{number}/comments"}, "chunkSize": 10}]}
                """.formatted(base, listQuery);
    }

    @Test
    void tenPagesOfTwentyIssuesGiveTwoHundredDetailsAndFourHundredCommentPagesEachCarryingItsParent(@TempDir Path dir) throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(2), 0, 1))) {
            Path bronze = dir.resolve("bronze");
            Cli.Result result = run(dir, job(api.baseUrl().toString(), "pages=10&per=20"), bronze, "children-1");

            assertEquals(0, result.exitCode(), result.err());
            JsonNode summary = result.summary();
            assertTrue(summary.get("complete").asBoolean(), summary.toString());
            Map<String, List<JsonNode>> levels = levels(bronze);
            assertEquals(10, levels.get("issues").size());
            assertEquals(200, levels.get("issue_detail").size());
            assertEquals(400, levels.get("issue_comments").size());
            for (String child : List.of("issue_detail", "issue_comments")) {
                Set<String> seen = new HashSet<>();
                for (JsonNode record : levels.get(child)) {
                    assertEquals(200, record.get("status").asInt(), record.toString());
                    assertTrue(seen.add(record.get("request_id").asText() + "/" + record.get("page").asInt()), "twice: " + record);
                    JsonNode parent = record.get("parent");
                    assertNotNull(parent, record.toString());
                    assertEquals("issues", parent.get("source").asText());
                    int number = parent.get("bind").get("number").asInt();
                    assertEquals(DemoIssues.repo(number), parent.get("bind").get("repo").asText());
                    assertTrue(record.get("url").asText().contains("/repos/" + DemoIssues.repo(number) + "/issues/" + number),
                            record.toString());
                    // The page the item was on: 20 issues a page.
                    assertEquals((number - 1) / 20, parent.get("page").asInt(), record.toString());
                }
            }
            assertEquals(1, api.issues().calls("/repos/repo-1/issues/7"), "a detail once");
            assertEquals(2, api.issues().calls("/repos/repo-1/issues/7/comments"), "two pages of comments, each once");
            for (String level : List.of("issues", "issue_detail", "issue_comments")) {
                Path partition = partition(bronze, level);
                assertTrue(Files.exists(partition.resolve("_SUCCESS")), level);
                assertTrue(Files.exists(partition.resolve("_manifest.json")), level);
            }
            JsonNode success = MAPPER.readTree(partition(bronze, "issues").resolve("_SUCCESS").toFile());
            assertEquals(200, success.get("children").get("issue_comments").get("requests").asInt(), success.toString());
            assertEquals(0, success.get("children").get("issue_comments").get("errors").asInt());
            JsonNode comments = MAPPER.readTree(partition(bronze, "issue_comments").resolve("_SUCCESS").toFile());
            assertEquals(200, comments.get("requests").asInt());
            assertEquals(400, comments.get("records").asInt());
            assertEquals(3, summary.get("levels").size(), summary.toString());
            Cli.Result status = Cli.run("status", "--bronze", bronze.toString(), "--run-id", "children-1");
            assertEquals(0, status.exitCode(), status.err());
            assertTrue(status.err().contains("level issue_comments (from issues): complete; parts 20/20, 400 records"), status.err());
            assertEquals("issues", status.summary().get("source").asText(), "found by run id: the job's own level");
            System.out.printf("children: levels %s; chunks of each child level started before the list was complete: %s, %s; "
                            + "run %.2f s, wall %.2f s; load %s%n", summary.get("levels"),
                    MAPPER.readTree(partition(bronze, "issue_detail").resolve("_SUCCESS").toFile()).get("chunks_before_parent_level"),
                    comments.get("chunks_before_parent_level"), summary.get("run_seconds").asDouble(),
                    summary.get("wall_seconds").asDouble(), Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }

    @Test
    void twoParentsSharingAChildFetchItOnce(@TempDir Path dir) throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(1), 0, 1))) {
            String base = api.baseUrl().toString();
            // Two list requests (two parents, in two chunks of one) whose pages hold the same 10 issues.
            String job = job(base, "pages=1&per=10").replace("\"requests\": [\"" + base + "/issues?pages=1&per=10\"]",
                    "\"requests\": [\"" + base + "/issues?pages=1&per=10\", \"" + base + "/issues?pages=1&per=10&copy=b\"]")
                    .replace("\"chunkSize\": 5,", "\"chunkSize\": 1,");
            Path bronze = dir.resolve("bronze");
            Cli.Result result = run(dir, job, bronze, "shared-1");

            assertEquals(0, result.exitCode(), result.err());
            Map<String, List<JsonNode>> levels = levels(bronze);
            assertEquals(2, levels.get("issues").size());
            assertEquals(10, levels.get("issue_detail").size(), "each issue's detail once, from whichever list claimed it");
            assertEquals(20, levels.get("issue_comments").size());
            for (int number = 1; number <= 10; number++) {
                assertEquals(1, api.issues().calls("/repos/" + DemoIssues.repo(number) + "/issues/" + number), "issue " + number);
            }
            JsonNode success = MAPPER.readTree(partition(bronze, "issues").resolve("_SUCCESS").toFile());
            assertEquals(10, success.get("children").get("issue_detail").get("shared").asInt(), success.toString());
        }
    }

    @Test
    void anItemWithoutItsBoundFieldIsCountedNotDropped(@TempDir Path dir) throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(1), 0, 1))) {
            Path bronze = dir.resolve("bronze");
            Cli.Result result = run(dir, job(api.baseUrl().toString(), "pages=2&per=10&missingRepoEvery=4"), bronze, "missing-1");

            assertEquals(0, result.exitCode(), result.err());
            Map<String, List<JsonNode>> levels = levels(bronze);
            assertEquals(15, levels.get("issue_detail").size(), "20 issues, 5 of them without a repo");
            JsonNode success = MAPPER.readTree(partition(bronze, "issues").resolve("_SUCCESS").toFile());
            JsonNode detail = success.get("children").get("issue_detail");
            assertEquals(5, detail.get("errors").asInt(), success.toString());
            assertTrue(detail.get("first_error").asText().contains("bind.repo: the item has no value at repo.name"), success.toString());
            assertEquals(10, result.summary().get("levels").get(0).get("child_errors").asInt(), "5 for each child level");
        }
    }

    /**
     * kill -9 once child parts are being written, then the same command again: every level completes with the
     * same counts, no record twice, and no child request whose part was written before the kill is fetched again.
     */
    @Test
    void aRunKilledWhileChildrenAreFetchedResumesEveryLevelWithNothingTwice(@TempDir Path dir) throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(20), 0, 1))) {
            Path bronze = dir.resolve("bronze");
            Path job = dir.resolve("job.json");
            Files.writeString(job, job(api.baseUrl().toString(), "pages=10&per=20"));
            List<String> args = List.of("run", job.toString(), "--bronze", bronze.toString(), "--run-id", "killed-1", "--workers", "4");

            Process first = Cli.start(args, dir.resolve("first.log"));
            while (childParts(bronze).size() < 6 && first.isAlive()) {
                Thread.sleep(20);
            }
            first.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
            first.waitFor(30, TimeUnit.SECONDS);
            Map<String, Integer> callsAtKill = api.issues().allCalls();
            Set<String> writtenBeforeKill = new HashSet<>();
            for (Path part : childParts(bronze)) {
                readPart(part).forEach(r -> writtenBeforeKill.add(path(r)));
            }
            assertTrue(!writtenBeforeKill.isEmpty(), "the kill came after some child parts were written");

            Cli.Result resumed = Cli.run(args);

            assertEquals(0, resumed.exitCode(), resumed.err() + Files.readString(dir.resolve("first.log")));
            Map<String, List<JsonNode>> levels = levels(bronze);
            assertEquals(10, levels.get("issues").size());
            assertEquals(200, levels.get("issue_detail").size());
            assertEquals(400, levels.get("issue_comments").size());
            long duplicated = 0;
            for (List<JsonNode> records : levels.values()) {
                Set<String> seen = new HashSet<>();
                for (JsonNode record : records) {
                    if (!seen.add(record.get("request_id").asText() + "/" + record.get("page").asInt())) {
                        duplicated++;
                    }
                }
            }
            assertEquals(0, duplicated);
            long refetchedAfterWrite = 0;
            Map<String, Integer> callsAfter = api.issues().allCalls();
            for (String path : writtenBeforeKill) {
                if (callsAfter.getOrDefault(path, 0) > callsAtKill.getOrDefault(path, 0)) {
                    refetchedAfterWrite++;
                }
            }
            System.out.printf("children kill -9: %d child requests written before the kill, %d of them fetched again; "
                    + "%d records duplicated%n", writtenBeforeKill.size(), refetchedAfterWrite, duplicated);
            assertEquals(0, refetchedAfterWrite);
        }
    }

    private static Cli.Result run(Path dir, String job, Path bronze, String runId) throws IOException {
        Path file = dir.resolve(runId + ".json");
        Files.writeString(file, job);
        return Cli.run("run", file.toString(), "--bronze", bronze.toString(), "--run-id", runId, "--workers", "4");
    }

    private static String path(JsonNode record) {
        return java.net.URI.create(record.get("url").asText()).getPath();
    }

    private static List<Path> childParts(Path bronze) throws IOException {
        return LiveFiles.parts(bronze).stream().filter(p -> !p.toString().contains("source=issues/")).toList();
    }

    private static Path partition(Path bronze, String source) throws IOException {
        return LiveFiles.matching(bronze.resolve("source=" + source), p -> p.getFileName().toString().startsWith("run_id="))
                .getFirst();
    }

    /** Every record of every level, by source. */
    private static Map<String, List<JsonNode>> levels(Path bronze) throws IOException {
        Map<String, List<JsonNode>> all = new HashMap<>();
        for (Path part : LiveFiles.parts(bronze)) {
            String source = part.toString().replaceAll(".*source=([^/]+)/.*", "$1");
            all.computeIfAbsent(source, k -> new ArrayList<>()).addAll(readPart(part));
        }
        return all;
    }

    private static List<JsonNode> readPart(Path part) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(part)), StandardCharsets.UTF_8))) {
            List<JsonNode> records = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                records.add(MAPPER.readTree(line));
            }
            return records;
        }
    }
}
