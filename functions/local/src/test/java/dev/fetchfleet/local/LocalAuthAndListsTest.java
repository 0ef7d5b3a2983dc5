package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs written as the README writes them, run by the local fleet against the demo API: OAuth2 over
 * many token lives on ten workers, a refresh-token grant, an API key in the query string, a Stripe-style
 * list, an offset list with a total, and a year of daily windows.
 */
class LocalAuthAndListsTest {

    private static final ObjectMapper MAPPER = Json.newMapper();

    @TempDir
    Path dir;

    private Path job(String singleQuoted) throws IOException {
        Path job = dir.resolve("job-" + System.nanoTime() + ".json");
        Files.writeString(job, singleQuoted.replace('\'', '"'));
        return job;
    }

    private Cli.Result run(Path job, Path bronze, String... more) {
        List<String> args = new ArrayList<>(List.of("run", job.toString(), "--bronze", bronze.toString()));
        args.addAll(List.of(more));
        return Cli.run(args);
    }

    /**
     * Scaled from the 3 s tokens over a 30 s run (ten token lives) to 1 s tokens over a run of
     * about 10 s, same ratio: 1,000 requests at 100 a second across ten workers, each with its own cache.
     */
    @Test
    void tenWorkersOverTenTokenLivesGetNo401AndAboutOneTokenPerLifeEachAndLeakNone() throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(20), 0, 1, Duration.ofSeconds(1)))) {
            Path job = job("""
                    {'source': 'secure', 'chunkSize': 25,
                     'template': {'url': '%s/secure/items/{n}', 'values': {'n': {'from': 1, 'to': 1000}}},
                     'auth': {'type': 'oauth2', 'tokenUrl': '%s/oauth/token', 'clientId': 'demo-client',
                              'clientSecret': 'demo-secret', 'scope': 'items:read'},
                     'fetch': {'perHost': {'maxConcurrency': 10, 'requestsPerSecond': 100}, 'retry': {'maxAttempts': 2}}}
                    """.formatted(api.baseUrl(), api.baseUrl()));
            Path bronze = dir.resolve("bronze");
            Path log = dir.resolve("run.log");

            Process process = Cli.start(List.of("run", job.toString(), "--bronze", bronze.toString(), "--workers", "10"), log);
            assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the run ends");
            double seconds = api.auth().guardedSpan().toMillis() / 1000.0; // the fetching, without the JVM's start
            assertEquals(0, process.exitValue(), Files.readString(log));

            List<JsonNode> records = parts(bronze);
            assertEquals(1000, records.size());
            assertEquals(0, records.stream().filter(r -> r.get("status").asInt() == 401).count(), "no record with 401");
            assertTrue(records.stream().allMatch(r -> r.get("status").asInt() == 200), "every record 200");
            int tokens = api.auth().tokenRequests();
            // Each worker renews once per ~0.9 s of its own busy time, and at its start: at most ten per life of the run.
            double perWorkerCeiling = seconds / 0.9 + 2;
            assertTrue(tokens <= 10 * perWorkerCeiling, tokens + " token requests in " + seconds + " s");
            assertTrue(tokens >= 10, "each of ten workers asked at least once: " + tokens);
            Set<String> secrets = new HashSet<>(api.auth().issued());
            secrets.add("demo-secret");
            String everything = everyFile(bronze) + Files.readString(log);
            for (String secret : secrets) {
                assertFalse(everything.contains(secret), "a credential in an output: " + secret);
            }
            System.out.printf("oauth2 fleet: 1000 requests on 10 workers over %.1f s of fetching, 1 s tokens, %d token requests "
                            + "(%.1f per worker, run/life = %.1f), %d answered 401 and renewed, 0 records with 401, "
                            + "%d access tokens issued, none in bronze, checkpoints, manifest or logs%n",
                    seconds, tokens, tokens / 10.0, seconds, api.auth().unauthorized(), api.auth().issued().size());
        }
    }

    @Test
    void aRefreshTokenGrantFetchesEveryItem() throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(1), 0, 1))) {
            Path job = job("""
                    {'source': 'secure', 'template': {'url': '%s/secure/items/{n}', 'values': {'n': {'from': 1, 'to': 50}}},
                     'auth': {'type': 'oauth2', 'grant': 'refresh_token', 'tokenUrl': '%s/oauth/token',
                              'refreshToken': 'demo-refresh-token'}}""".formatted(api.baseUrl(), api.baseUrl()));
            Path bronze = dir.resolve("bronze");

            Cli.Result result = run(job, bronze, "--workers", "2");

            assertEquals(0, result.exitCode(), result.err());
            List<JsonNode> records = parts(bronze);
            assertEquals(50, records.size());
            assertTrue(records.stream().allMatch(r -> r.get("status").asInt() == 200), records.getFirst()::toString);
            assertFalse(everyFile(bronze).contains("demo-refresh-token"), "the manifest shows the refresh token redacted");
        }
    }

    @Test
    void anApiKeyInTheQueryIsSentAndRedactedInBronze() throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(1), 0, 1))) {
            Path job = job("""
                    {'source': 'keyed', 'template': {'url': '%s/keyed/items/{n}?fields=all', 'values': {'n': [1, 2, 3]}},
                     'auth': {'type': 'api_key', 'name': 'api_key', 'in': 'query', 'value': 'demo-key'}}""".formatted(api.baseUrl()));
            Path bronze = dir.resolve("bronze");

            Cli.Result result = run(job, bronze, "--workers", "1");

            assertEquals(0, result.exitCode(), result.err());
            List<JsonNode> records = parts(bronze);
            assertTrue(records.stream().allMatch(r -> r.get("status").asInt() == 200), records.getFirst()::toString);
            assertEquals(api.baseUrl() + "/keyed/items/1?fields=all&api_key=%5Bredacted%5D", records.getFirst().get("url").asText());
            assertFalse(everyFile(bronze).contains("demo-key"), "the key is in no file of the run");
        }
    }

    @Test
    void aStripeListOf1000AtLimit100TakesExactlyTenCalls() throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(1), 0, 1))) {
            Path job = job("""
                    {'source': 'customers', 'requests': ['%s/stripe/customers?limit=100'],
                     'paginate': {'type': 'cursor', 'path': 'data.-1.id', 'param': 'starting_after',
                                  'stop': {'path': 'has_more', 'equals': false}}}""".formatted(api.baseUrl()));
            Path bronze = dir.resolve("bronze");

            Cli.Result result = run(job, bronze, "--workers", "1");

            assertEquals(0, result.exitCode(), result.err());
            assertEquals(10, api.lists().calls("stripe"));
            List<JsonNode> records = parts(bronze);
            assertEquals(10, records.size());
            Set<String> ids = new HashSet<>();
            records.forEach(r -> r.get("body").get("data").forEach(c -> ids.add(c.get("id").asText())));
            assertEquals(1000, ids.size());
        }
    }

    @Test
    void anOffsetListWithATotalMakesNoCallPastTheEnd() throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(1), 0, 1))) {
            Path job = job("""
                    {'source': 'orders', 'requests': ['%s/offset/orders'],
                     'paginate': {'type': 'offset', 'limit': 100, 'totalPath': 'total'}}""".formatted(api.baseUrl()));
            Path bronze = dir.resolve("bronze");

            Cli.Result result = run(job, bronze, "--workers", "1");

            assertEquals(0, result.exitCode(), result.err());
            assertEquals(10, api.lists().calls("offset"));
            assertEquals(0, api.lists().pastTheEnd());
            assertEquals(10, parts(bronze).size());
        }
    }

    @Test
    void ayearOfDailyWindowsRunsAs365RequestsSpreadOverChunks() throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(1), 0, 1))) {
            Path job = job("""
                    {'source': 'events', 'chunkSize': 50,
                     'template': {'url': '%s/events?start={day.start}&end={day.end}',
                                  'values': {'day': {'from': '2025-01-01', 'to': '2026-01-01', 'step': 'P1D', 'format': 'yyyy-MM-dd'}}}}
                    """.formatted(api.baseUrl()));
            Path bronze = dir.resolve("bronze");

            Cli.Result result = run(job, bronze, "--workers", "4");

            assertEquals(0, result.exitCode(), result.err());
            assertEquals(365, api.lists().calls("events"));
            List<Path> parts = files(bronze, "part-");
            assertEquals(8, parts.size(), "365 requests in chunks of 50");
            List<JsonNode> records = parts(bronze);
            assertEquals(365, records.size());
            assertEquals(365, records.stream().map(r -> r.get("body").get("start").asText()).distinct().count());
            assertTrue(records.stream().anyMatch(r -> r.get("body").get("start").asText().equals("2025-12-31")
                    && r.get("body").get("end").asText().equals("2026-01-01")));
        }
    }

    private static List<JsonNode> parts(Path bronze) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        for (Path part : files(bronze, "part-")) {
            for (String line : text(part).split("\n")) {
                if (!line.isBlank()) {
                    records.add(MAPPER.readTree(line));
                }
            }
        }
        return records;
    }

    private static List<Path> files(Path under, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(under)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    /** Every file under {@code root}, gunzipped where it is gzip: parts, manifest, checkpoints, _SUCCESS, state. */
    private static String everyFile(Path root) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                all.append(text(file)).append('\n');
            }
        }
        return all.toString();
    }

    private static String text(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            InputStream raw = file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            raw.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
