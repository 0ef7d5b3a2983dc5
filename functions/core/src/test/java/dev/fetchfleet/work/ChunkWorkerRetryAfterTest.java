package dev.fetchfleet.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestSource;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One host asking for a pause far longer than the invocation must not hold up the others: its requests
 * go back for a later delivery with the pause (clamped to SQS's 15 minutes) while every other host's
 * requests are fetched.
 */
class ChunkWorkerRetryAfterTest {

    private static final RunRef RUN = new RunRef("mixed", "2026-11-30", "run-1");
    private static final int GOOD = 99;
    private static final int PAUSED = 3;

    private final ObjectMapper mapper = Json.newMapper();
    private final AtomicBoolean pausing = new AtomicBoolean(true);
    private final AtomicInteger pausedAsked = new AtomicInteger();
    private final AtomicInteger goodAsked = new AtomicInteger();
    private final List<HttpServer> servers = new ArrayList<>();

    @TempDir
    Path root;

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    /** Without the fix the paused host's requests sleep out an 11-day Retry-After: this fails instead of hanging. */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aHostPausedForDaysGoesBackWithA15MinuteDelayWhileTheOtherHostsRequestsAreAllFetched() throws Exception {
        String paused = start((exchange) -> {
            pausedAsked.incrementAndGet();
            if (pausing.get()) {
                exchange.getResponseHeaders().add("Retry-After", "999999");
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
            } else {
                respond(exchange, "{\"ok\":true}");
            }
        });
        String good = start(exchange -> {
            goodAsked.incrementAndGet();
            respond(exchange, "{\"ok\":true}");
        });
        BronzeStore store = new LocalBronzeStore(root);
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < PAUSED; i++) {
            requests.add("{\"id\":\"paused-" + i + "\",\"url\":\"" + paused + "/items/" + i + "\"}");
        }
        for (int i = 0; i < GOOD; i++) {
            requests.add("{\"id\":\"good-" + i + "\",\"url\":\"" + good + "/items/" + i + "\"}");
        }
        // Few in-flight permits: requests waiting for the paused host must not sit on them.
        String message = chunkMessage(store, requests, "{\"maxInFlight\":4,\"timeoutSeconds\":5,"
                + "\"perHost\":{\"maxConcurrency\":1,\"requestsPerSecond\":1000}}");
        Instant invocationEnd = Instant.now().plus(ChunkWorker.WRITE_MARGIN).plusSeconds(5 + 90);

        ChunkWorker first = ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(5)), Clock.systemUTC());
        ChunkIncompleteException cut = assertThrows(ChunkIncompleteException.class, () -> first.process(message, invocationEnd));

        assertTrue(cut.progressed(), cut.getMessage());
        assertTrue(cut.getMessage().contains(PAUSED + " of " + (PAUSED + GOOD) + " requests unfinished"), cut.getMessage());
        assertTrue(cut.retryAfter().compareTo(Duration.ofMinutes(14)) > 0 && cut.retryAfter().compareTo(Duration.ofMinutes(15)) <= 0,
                "the continuation's delay, clamped to SQS's 15 minutes: " + cut.retryAfter());
        assertEquals(1, pausedAsked.get(), "after the Retry-After, no request went to the paused host");
        ChunkProgress kept = CheckpointLog.read(new BronzeWriter(store, mapper), RUN, 0);
        assertEquals(GOOD, kept.records().size(), "every good request is durable in the chunk's checkpoint");
        assertTrue(kept.records().stream().allMatch(r -> r.requestId().startsWith("good-") && r.status() == 200));

        // The continuation, 15 minutes later on whichever worker SQS hands it to; the host answers again.
        pausing.set(false);
        ChunkWorker later = ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(5)), Clock.systemUTC());
        later.process(message, Instant.now().plusSeconds(300));

        List<BronzeRecord> part = new BronzeWriter(store, mapper).readPart(RUN.partKey(0));
        assertEquals(PAUSED + GOOD, part.size());
        assertTrue(part.stream().allMatch(r -> r.status() == 200 && r.error() == null));
        assertEquals(GOOD, goodAsked.get(), "the good requests were not fetched again");
        assertEquals(1 + PAUSED, pausedAsked.get());
    }

    /** The records keep a request's last answer only; the throttling on the way there is counted for metrics. */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void every429AndEachRetryAfterPauseIsCountedThoughTheRecordsKeepOnlyTheFinal200s() throws Exception {
        java.util.Map<String, AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();
        String api = start(exchange -> {
            int call = calls.computeIfAbsent(exchange.getRequestURI().getPath(), k -> new AtomicInteger()).incrementAndGet();
            String item = exchange.getRequestURI().getPath();
            if (call == 1 && item.endsWith("/0")) {
                exchange.getResponseHeaders().add("Retry-After", "1"); // throttled and told to pause
                exchange.sendResponseHeaders(429, -1);
                exchange.close();
            } else if (call == 1 && item.endsWith("/1")) {
                exchange.sendResponseHeaders(429, -1); // throttled, no pause asked
                exchange.close();
            } else {
                respond(exchange, "{\"ok\":true}");
            }
        });
        BronzeStore store = new LocalBronzeStore(root);
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            requests.add("{\"id\":\"r-" + i + "\",\"url\":\"" + api + "/items/" + i + "\"}");
        }
        String message = chunkMessage(store, requests, "{\"timeoutSeconds\":5,\"retry\":{\"maxAttempts\":3,\"baseDelayMillis\":10,"
                + "\"maxDelayMillis\":50}}");

        ChunkResult result = ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(5)), Clock.systemUTC())
                .process(message, Instant.now().plusSeconds(120));

        assertEquals(java.util.Map.of("200", 3L), result.statusCounts());
        assertEquals(2, result.throttled(), "both 429 answers, though each request ended in a 200");
        assertEquals(1, result.retryAfterPauses());
    }

    private interface Handler {
        void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException;
    }

    private String start(Handler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", handler::handle);
        server.start();
        servers.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private String chunkMessage(BronzeStore store, List<String> requests, String fetch) {
        Job job = new JobParser(mapper).parse("{\"source\":\"" + RUN.source() + "\",\"requests\":["
                + String.join(",", requests) + "],\"fetch\":" + fetch + "}");
        RequestSource.Inline inline = (RequestSource.Inline) job.requests();
        new RunFiles(store, mapper).writeManifest(new Manifest(RUN.runId(), RUN.source(),
                RUN.ingestDate(), Instant.now(), inline.requests().size(), 1, inline.requests().size(), job.raw()));
        return new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES)
                .encode(new Chunk(RUN, 0, 1, 1, job.fetch(), inline.requests()));
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
