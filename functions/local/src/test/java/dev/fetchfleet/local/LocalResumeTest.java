package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at a random moment of a 2,000-request run, then the same command again: the run completes,
 * every request is in bronze exactly once, and no request of a part written before the kill is
 * fetched again.
 */
class LocalResumeTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final int REQUESTS = 2000;

    @Test
    void aRunKilledAtRandomMomentsResumesWithNothingLostDuplicatedOrFetchedTwiceOnceWritten(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("fetchfleet.seed", 20261127L);
        Random random = new Random(seed);
        int runs = 3;
        long lost = 0;
        long duplicated = 0;
        long refetched = 0;
        long refetchedAfterWrite = 0;
        for (int i = 0; i < runs; i++) {
            int killAfterParts = 1 + random.nextInt(30);
            Outcome outcome = killAndResume(dir.resolve("run-" + i), "resume-" + seed + "-" + i, killAfterParts);
            lost += outcome.lost;
            duplicated += outcome.duplicated;
            refetched += outcome.refetched;
            refetchedAfterWrite += outcome.refetchedAfterWrite;
        }
        System.out.printf("fault injection (seed %d): %d runs, %d kill -9, %d requests checked, %d lost, %d duplicated, "
                + "%d re-fetched (all of chunks unwritten at the kill), %d re-fetched after their part was written%n",
                seed, runs, runs, runs * REQUESTS, lost, duplicated, refetched, refetchedAfterWrite);
        assertEquals(0, lost);
        assertEquals(0, duplicated);
        assertEquals(0, refetchedAfterWrite);
    }

    record Outcome(long lost, long duplicated, long refetched, long refetchedAfterWrite) {}

    private Outcome killAndResume(Path dir, String runId, int killAfterParts) throws Exception {
        Files.createDirectories(dir);
        try (FlakyApi api = new FlakyApi(100, 0)) {
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "resume", "chunkSize": 50,
                     "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": %d}}},
                     "fetch": {"perHost": {"maxConcurrency": 20, "requestsPerSecond": 1000},
                               "retry": {"maxAttempts": 3, "baseDelayMillis": 20, "maxDelayMillis": 200}}}
                    """.formatted(api.base(), REQUESTS));
            Path bronze = dir.resolve("bronze");
            List<String> args = List.of("run", job.toString(), "--bronze", bronze.toString(), "--run-id", runId, "--workers", "4");

            Process first = Cli.start(args, dir.resolve("first.log"));
            while (parts(bronze).size() < killAfterParts && first.isAlive()) {
                Thread.sleep(20);
            }
            first.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
            first.waitFor(30, TimeUnit.SECONDS);
            Set<Integer> writtenBeforeKill = new HashSet<>();
            for (Path part : parts(bronze)) {
                readPart(part).forEach(r -> writtenBeforeKill.add(item(r)));
            }
            Map<Integer, Integer> callsAtKill = new HashMap<>();
            api.calls.forEach((n, count) -> callsAtKill.put(n, count.get()));

            Cli.Result resumed = Cli.run(args);

            assertEquals(0, resumed.exitCode(), resumed.err());
            JsonNode summary = resumed.summary();
            assertTrue(summary.get("complete").asBoolean(), summary.toString());
            assertEquals(runId, summary.get("run_id").asText());

            Map<Integer, Integer> seen = new HashMap<>();
            for (Path part : parts(bronze)) {
                for (JsonNode record : readPart(part)) {
                    seen.merge(item(record), 1, Integer::sum);
                    assertEquals(FlakyApi.finalStatus(item(record)), record.get("status").asInt());
                }
            }
            long lost = REQUESTS - seen.size();
            long duplicated = seen.values().stream().filter(c -> c > 1).count();
            long refetched = 0;
            long refetchedAfterWrite = 0;
            for (int n = 1; n <= REQUESTS; n++) {
                int before = callsAtKill.getOrDefault(n, 0);
                int after = api.calls.containsKey(n) ? api.calls.get(n).get() : 0;
                if (before > 0 && after > before) {
                    refetched++;
                    if (writtenBeforeKill.contains(n)) {
                        refetchedAfterWrite++;
                    }
                }
            }
            assertTrue(Files.exists(parts(bronze).getFirst().getParent().resolve("_SUCCESS")));
            return new Outcome(lost, duplicated, refetched, refetchedAfterWrite);
        }
    }

    private static int item(JsonNode record) {
        return Integer.parseInt(record.get("url").asText().replaceAll(".*/", ""));
    }

    private static List<Path> parts(Path bronze) throws IOException {
        return LiveFiles.parts(bronze);
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
