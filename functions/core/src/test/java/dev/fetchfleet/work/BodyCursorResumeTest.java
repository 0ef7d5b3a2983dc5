package dev.fetchfleet.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestSource;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.run.RunFiles;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A POST search whose cursor goes in the JSON body: the URL is the same for every page, so only the
 * checkpoint's next_token says where the chain stands. Cut by the deadline again and again, the chunk
 * resumes at the right page each time: every page fetched once, in order, none from the start again.
 */
class BodyCursorResumeTest {

    private static final RunRef RUN = new RunRef("search", "2026-11-30", "run-1");
    private static final int PAGES = 60;

    private final ObjectMapper mapper = Json.newMapper();

    @TempDir
    Path root;

    @Test
    void aCursorInAPostBodySurvivesACheckpointAndAResume() throws Exception {
        AtomicIntegerArray asked = new AtomicIntegerArray(PAGES);
        AtomicInteger calls = new AtomicInteger();
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        api.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        api.createContext("/search", exchange -> {
            JsonNode body = mapper.readTree(exchange.getRequestBody());
            int page = body.path("paging").path("cursor").isMissingNode() ? 0 : Integer.parseInt(body.at("/paging/cursor").asText().substring(2));
            asked.incrementAndGet(page);
            String next = page + 1 < PAGES ? "\"c-" + (page + 1) + "\"" : "null";
            byte[] bytes = ("{\"q\":" + body.get("q") + ",\"hits\":[" + page + "],\"next\":" + next + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            calls.incrementAndGet();
        });
        api.start();
        try {
            BronzeStore store = new LocalBronzeStore(root);
            Job job = new JobParser(mapper).parse(("{'source': 'search', 'requests': [{'id': 'q1', 'method': 'POST', "
                    + "'url': 'http://127.0.0.1:" + api.getAddress().getPort() + "/search', 'body': {'q': 'shoes'}}], "
                    + "'paginate': {'type': 'cursor', 'path': 'next', 'param': 'paging.cursor', 'into': 'body'}, "
                    + "'fetch': {'timeoutSeconds': 1, 'perHost': {'maxConcurrency': 4, 'requestsPerSecond': 1000}}}").replace('\'', '"'));
            var requests = ((RequestSource.Inline) job.requests()).requests();
            new RunFiles(store, mapper).writeManifest(new Manifest(RUN.runId(), RUN.source(), RUN.ingestDate(), Instant.now(),
                    1, 1, 1, job.raw()));
            String message = new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES)
                    .encode(new Chunk(RUN, 0, 1, 1, job.fetch(), requests));
            Clock clock = new CallCountClock(calls::get, 15);
            ChunkWorker worker = ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(5)), clock);
            BronzeWriter bronze = new BronzeWriter(store, mapper);

            int invocations = 0;
            boolean sawToken = false;
            ChunkResult done = null;
            while (done == null) {
                invocations++;
                assertTrue(invocations < 30, "the chain makes progress in every invocation");
                try {
                    done = worker.process(message, clock.instant().plus(ChunkWorker.WRITE_MARGIN).plusMillis(1_600));
                } catch (ChunkIncompleteException cut) {
                    assertFalse(store.exists(RUN.partKey(0)));
                    for (String key : store.list(RUN.checkpointPrefix(0))) {
                        sawToken |= bronze.readLines(key, CheckpointEntry.class).stream().anyMatch(e -> e.nextToken() != null);
                    }
                }
            }

            assertTrue(invocations >= 3, "the chain outlived " + (invocations - 1) + " invocations");
            assertTrue(sawToken, "the checkpoint holds the next cursor beside the page");
            List<BronzeRecord> part = bronze.readPart(RUN.partKey(0));
            assertEquals(PAGES, part.size());
            for (int page = 0; page < PAGES; page++) {
                assertEquals(page, part.get(page).page());
                assertEquals(page, part.get(page).body().get("hits").get(0).asInt(), "page " + page + " holds its own hits");
                assertEquals(1, asked.get(page), "page " + page + " asked for once");
            }
        } finally {
            api.stop(0);
        }
    }
}
