package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
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
 * asks only for what is newer than the first run's largest value; a failed run leaves the state where
 * it was; a full refresh starts from the initial value.
 */
class IncrementalRunTest {

    private static final String INITIAL = "2026-01-01T00:00:00Z";

    private static Cli.Result fetchfleet(String... args) {
        return Cli.run(args);
    }

    @Test
    void theNextRunFetchesOnlyWhatIsNewerThanTheLastCompletedRun(@TempDir Path dir) throws Exception {
        Map<String, String> items = new ConcurrentSkipListMap<>(Map.of("a", "2026-02-01T00:00:00Z", "b", "2026-03-01T00:00:00Z"));
        List<String> sinceSeen = new CopyOnWriteArrayList<>();
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        api.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
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

            // A run that fails (its second chunk needs a secret nothing here resolves) leaves the state alone.
            Path failing = dir.resolve("failing.json");
            Files.writeString(failing, "{\"source\": \"changes\", \"chunkSize\": 1, \"requests\": [{\"id\": \"changes\", \"url\": \"" + base
                    + "/changes?since={{state:since}}\"}, {\"id\": \"poison\", \"url\": \"" + base + "/changes?since=x\", "
                    + "\"headers\": {\"X-Token\": \"{{ssm:/fetchfleet/missing}}\"}}], " + incremental + "}");
            items.put("d", "2026-05-01T00:00:00Z");
            Cli.Result failed = fetchfleet("run", failing.toString(), "--bronze", bronze, "--max-receive-count", "1");
            assertEquals(FetchFleetCli.EXIT_INCOMPLETE, failed.exitCode(), failed.err());

            Cli.Result status = fetchfleet("status", "--bronze", bronze, "--run-id", second.summary().get("run_id").asText());
            assertEquals("2026-04-01T00:00:00Z", status.summary().get("source_state").get("values").get("since").asText(),
                    "state is the second run's largest value, not moved by the failed run's 2026-05-01");

            Cli.Result refresh = fetchfleet("run", job.toString(), "--bronze", bronze, "--full-refresh");
            assertEquals(0, refresh.exitCode(), refresh.err());
            assertEquals(INITIAL, sinceSeen.getLast(), "a full refresh starts from the initial value");
            assertTrue(Files.readString(Path.of(bronze, "_state", "source=changes", "state.json")).contains("2026-05-01T00:00:00Z"),
                    "and its completed run moves the state to what it saw");
        } finally {
            api.stop(0);
        }
    }
}
