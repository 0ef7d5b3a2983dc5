package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments of runs whose chunks last many checkpoint intervals, a flat one and a
 * paginated one, then the same command again: nothing lost, nothing twice in bronze, and what the API
 * answered again is at most what was in flight at the kill and what it answered in the last interval
 * (the checkpoint's bound), not everything the killed chunks had fetched.
 */
class LocalKillRefetchTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final long INTERVAL_MILLIS = 1_000;
    /**
     * The write of a segment after its interval, and the killed process's own delays on a loaded machine:
     * what the API answered this long before the kill may still be unwritten.
     */
    private static final long SLACK_MILLIS = 1_000;

    @Test
    void aFlatRunKilledAtThreeMomentsFetchesAgainOnlyWhatWasInFlightAndTheLastIntervalsAnswers(@TempDir Path dir) throws Exception {
        // 2,000 requests in 4 chunks of 500, 5 in flight each at 100 ms: a chunk runs about 10 s, ten intervals.
        String shape = """
                "chunkSize": 500, "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": 2000}}}""";
        killThreeTimes(dir, "flat", shape, 2000);
    }

    @Test
    void aPaginatedRunKilledAtThreeMomentsFetchesAgainOnlyWhatWasInFlightAndTheLastIntervalsAnswers(@TempDir Path dir) throws Exception {
        // 50 chains of 40 pages in 4 chunks, 5 chains at a time each at 100 ms a page.
        String shape = """
                "chunkSize": 13, "template": {"url": "%s/feed/{c}", "values": {"c": {"from": 1, "to": 50}}},
                "paginate": {"type": "cursor", "path": "next", "param": "cursor", "maxPages": 100}""";
        killThreeTimes(dir, "chains", shape, 50 * 40);
    }

    private void killThreeTimes(Path dir, String name, String shape, int calls) throws Exception {
        long seed = Long.getLong("fetchfleet.seed", 20261130L);
        Random random = new Random(seed);
        for (int i = 0; i < 3; i++) {
            long killAfterMillis = 2_000 + random.nextInt(6_000);
            Outcome o = killAndResume(dir.resolve(name + "-" + i), name + "-" + seed + "-" + i, shape, calls, killAfterMillis);
            System.out.printf("%s kill -9 after %d ms (seed %d): %d in flight at the kill, %d answered in the last %d ms "
                            + "(%d in the last %d ms), %d fetched again, %d lost, %d twice in bronze%n", name, killAfterMillis, seed,
                    o.inFlight, o.answeredLastInterval, INTERVAL_MILLIS, o.answeredLately, INTERVAL_MILLIS + SLACK_MILLIS,
                    o.refetched, o.lost, o.twice);
            assertEquals(0, o.lost, name + " run " + i);
            assertEquals(0, o.twice, name + " run " + i);
            assertTrue(o.refetched <= o.inFlight + o.answeredLately, name + " run " + i + ": " + o);
        }
    }

    record Outcome(long lost, long twice, long refetched, long inFlight, long answeredLately, long answeredLastInterval) {}

    private static long answeredWithin(Api api, long killedAt, long millis) {
        return api.answeredAt.values().stream()
                .filter(at -> at >= killedAt - TimeUnit.MILLISECONDS.toNanos(millis) && at <= killedAt).count();
    }

    private Outcome killAndResume(Path dir, String runId, String shape, int calls, long killAfterMillis) throws Exception {
        Files.createDirectories(dir);
        try (Api api = new Api(100, 40)) {
            Path job = dir.resolve("job.json");
            Files.writeString(job, ("{\"source\": \"kill\", " + shape + ",\n \"fetch\": {\"checkpointIntervalMillis\": " + INTERVAL_MILLIS
                    + ", \"perHost\": {\"maxConcurrency\": 20, \"requestsPerSecond\": 1000}}}").formatted(api.base()));
            Path bronze = dir.resolve("bronze");
            List<String> args = List.of("run", job.toString(), "--bronze", bronze.toString(), "--run-id", runId, "--workers", "4");

            Process first = Cli.start(args, dir.resolve("first.log"));
            while (api.firstArrival.get() == 0 && first.isAlive()) {
                Thread.sleep(10);
            }
            Thread.sleep(killAfterMillis);
            long killedAt = System.nanoTime();
            int inFlight = api.inFlight.get();
            first.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            Map<String, Integer> callsAtKill = new HashMap<>();
            api.calls.forEach((key, count) -> callsAtKill.put(key, count.get()));
            long lately = answeredWithin(api, killedAt, INTERVAL_MILLIS + SLACK_MILLIS);
            long lastInterval = answeredWithin(api, killedAt, INTERVAL_MILLIS);

            Cli.Result resumed = Cli.run(args);

            assertEquals(0, resumed.exitCode(), resumed.err());
            assertTrue(resumed.summary().get("complete").asBoolean(), resumed.summary().toString());
            Map<String, Integer> inBronze = new HashMap<>();
            for (Path part : parts(bronze)) {
                for (JsonNode record : readPart(part)) {
                    inBronze.merge(Api.key(record.get("url").asText()), 1, Integer::sum);
                }
            }
            long refetched = callsAtKill.entrySet().stream()
                    .filter(e -> api.calls.get(e.getKey()).get() > e.getValue()).count();
            return new Outcome(calls - inBronze.size(), inBronze.values().stream().filter(n -> n > 1).count(), refetched,
                    inFlight, lately, lastInterval);
        }
    }

    /** Items ({@code /items/N}) and cursor feeds of {@code pages} pages ({@code /feed/C?cursor=K}), counting calls and answers. */
    private static final class Api implements AutoCloseable {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        /** When each call's first answer went out (nanoTime). */
        final Map<String, Long> answeredAt = new ConcurrentHashMap<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicLong firstArrival = new AtomicLong();
        private final HttpServer server;
        private final long latencyMillis;
        private final int pages;

        Api(long latencyMillis, int pages) throws IOException {
            this.latencyMillis = latencyMillis;
            this.pages = pages;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.createContext("/", this::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }

        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        /** {@code items/7}, {@code feed/3#0}: one call of the run. */
        static String key(String url) {
            String path = url.replaceFirst("^https?://[^/]+", "").replaceFirst("^/", "");
            if (path.startsWith("feed/")) {
                int cursor = path.contains("cursor=") ? Integer.parseInt(path.replaceAll(".*cursor=(\\d+).*", "$1")) : 0;
                return path.replaceAll("\\?.*", "") + "#" + cursor;
            }
            return path;
        }

        private void handle(HttpExchange exchange) throws IOException {
            firstArrival.compareAndSet(0, System.nanoTime());
            inFlight.incrementAndGet();
            boolean counted = true;
            try (exchange) {
                String key = key(exchange.getRequestURI().toString());
                calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                Thread.sleep(latencyMillis);
                String body;
                if (key.startsWith("feed/")) {
                    int cursor = Integer.parseInt(key.substring(key.indexOf('#') + 1));
                    body = "{\"items\":[" + cursor + "],\"next\":" + (cursor + 1 < pages ? "\"" + (cursor + 1) + "\"" : "null") + "}";
                } else {
                    body = "{\"ok\":true}";
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.getResponseBody().flush();
                inFlight.decrementAndGet();
                counted = false;
                answeredAt.putIfAbsent(key, System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (counted) {
                    inFlight.decrementAndGet();
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
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
