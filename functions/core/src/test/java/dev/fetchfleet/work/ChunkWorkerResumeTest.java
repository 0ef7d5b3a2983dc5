package dev.fetchfleet.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.CountingStore;
import dev.fetchfleet.bronze.ForwardingStore;
import dev.fetchfleet.bronze.S3Requests;
import dev.fetchfleet.run.RunCompletion;
import dev.fetchfleet.run.Success;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.run.RunFiles;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chains longer than an invocation: cut by the deadline, a chunk goes on from each chain's next page on
 * redelivery, against a cursor API on loopback that counts how often each page is asked for.
 */
class ChunkWorkerResumeTest {

    private static final RunRef RUN = new RunRef("feed", "2026-11-27", "run-1");
    private static final int PAGES = 150;

    private final ObjectMapper mapper = Json.newMapper();
    private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    /** Pages ("chain#page") answered 429 with Retry-After: 2 the first time they are asked for. */
    private final Set<String> throttledOnce = ConcurrentHashMap.newKeySet();
    /** Pages ("chain#page") whose next cursor is an object, not a value: a next link that cannot be followed. */
    private final Set<String> malformedAt = ConcurrentHashMap.newKeySet();
    private final AtomicInteger flatCalls = new AtomicInteger();
    private HttpServer api;

    @TempDir
    Path root;

    @BeforeEach
    void startApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        api.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        // /feed/{chain}?cursor=K: page K of PAGES, 20 ms each, meta.next_cursor until the last.
        api.createContext("/feed/", exchange -> {
            String chain = exchange.getRequestURI().getPath().substring("/feed/".length());
            String query = exchange.getRequestURI().getRawQuery();
            int cursor = query == null ? 0 : Integer.parseInt(query.replaceAll(".*cursor=(\\d+).*", "$1"));
            int ask = asked.computeIfAbsent(chain + "#" + cursor, k -> new AtomicInteger()).incrementAndGet();
            if (ask == 1 && throttledOnce.contains(chain + "#" + cursor)) {
                exchange.getResponseHeaders().add("Retry-After", "2");
                exchange.sendResponseHeaders(429, -1);
                exchange.close();
                return;
            }
            sleep(20);
            String next = malformedAt.contains(chain + "#" + cursor) ? "{\"at\":" + (cursor + 1) + "}"
                    : cursor + 1 < PAGES ? "\"" + (cursor + 1) + "\"" : "null";
            respond(exchange, "{\"items\":[\"" + chain + "-" + cursor + "\"],\"meta\":{\"next_cursor\":" + next + "}}");
        });
        api.createContext("/items/", exchange -> {
            flatCalls.incrementAndGet();
            respond(exchange, "{\"ok\":true}");
        });
        api.start();
    }

    @AfterEach
    void stopApi() {
        api.stop(0);
    }

    @Test
    void aChainCutByTheDeadlineGoesOnFromItsNextPageWithNoPageAskedForTwice() throws Exception {
        BronzeStore store = new LocalBronzeStore(root);
        String message = chunkMessage(store, List.of("a", "b"), 3);
        warmHttpStack(); // so the count below is the worker's own
        flatCalls.set(0);
        // The deadline comes after 40 more pages each time, not after a real 0.6 s of starts.
        Clock clock = new CallCountClock(this::calls, 40);
        ChunkWorker worker = ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(5)), clock);

        int invocations = 0;
        ChunkResult done = null;
        while (done == null) {
            invocations++;
            assertTrue(invocations < 40, "the chain makes progress in every invocation");
            try {
                // A 1 s request timeout and the 10 s write margin leave 0.6 s of page starts on the worker's clock.
                done = worker.process(message, clock.instant().plus(ChunkWorker.WRITE_MARGIN).plusMillis(1_600));
            } catch (ChunkIncompleteException cut) {
                assertTrue(cut.progressed(), cut.getMessage());
                assertTrue(store.list(RUN.checkpointPrefix(0)).size() <= invocations,
                        "one sealed segment per invocation: " + store.list(RUN.checkpointPrefix(0)));
                assertFalse(store.exists(RUN.partKey(0)));
            }
        }

        assertTrue(invocations >= 3, "the chains outlived " + (invocations - 1) + " invocations");
        BronzeWriter bronze = new BronzeWriter(store, mapper);
        List<BronzeRecord> part = bronze.readPart(RUN.partKey(0));
        assertEquals(2 * PAGES + 3, part.size());
        for (String chain : List.of("a", "b")) {
            List<BronzeRecord> pages = part.stream().filter(r -> r.requestId().equals(chain)).toList();
            for (int page = 0; page < PAGES; page++) {
                assertEquals(page, pages.get(page).page(), "chain " + chain + " in page order");
                assertEquals(chain + "-" + page, pages.get(page).body().get("items").get(0).asText());
                assertEquals(1, asked.get(chain + "#" + page).get(), "page " + page + " of chain " + chain + " asked for once");
            }
        }
        assertEquals(2 * PAGES, asked.size());
        assertEquals(List.of(), store.list(RUN.checkpointsPrefix()), "checkpoints removed with the part written");
        assertTrue(done.runCompleted().isPresent(), "the run's only part completes it");
    }

    @Test
    void aChunksLastInvocationRemovesItsCheckpointByKeyAndItsPartCarriesItsSummary() throws Exception {
        CountingStore store = new CountingStore(new LocalBronzeStore(root));
        String message = chunkMessage(store, List.of("a", "b"), 3);
        Clock clock = new CallCountClock(this::calls, 40);
        ChunkWorker worker = ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(5)), clock);

        S3Requests last = S3Requests.NONE;
        ChunkResult done = null;
        for (int invocations = 1; done == null; invocations++) {
            assertTrue(invocations < 40, "the chain makes progress in every invocation");
            S3Requests before = store.counted();
            try {
                done = worker.process(message, clock.instant().plus(ChunkWorker.WRITE_MARGIN).plusMillis(1_600));
            } catch (ChunkIncompleteException cut) {
                assertTrue(cut.progressed(), cut.getMessage());
            }
            last = store.counted().minus(before);
        }

        // The segments earlier invocations left were read at its start; it removed them and its own by key.
        assertEquals(1, last.count(S3Requests.Kind.LIST, "checkpoints"), "one LIST, at its start: " + last);
        assertEquals(1, last.count(S3Requests.Kind.DELETE, "checkpoints"), last.toString());
        assertEquals(List.of(), store.list(RUN.checkpointsPrefix()), "checkpoints removed with the part written");
        // Its summary is in its part: no summary object written, and the run completed from the part's HEAD.
        assertEquals(0, last.count(S3Requests.Kind.PUT, "part_summaries"), last.toString());
        assertEquals(0, last.count(S3Requests.Kind.GET, "part_summaries"), last.toString());
        assertFalse(store.exists(RUN.summaryKey(0)));
        assertTrue(store.head(RUN.partKey(0)).orElseThrow().containsKey(RunCompletion.SUMMARY_METADATA));
        Success success = done.runCompleted().orElseThrow();
        assertEquals(2 * PAGES + 3, success.records());
        assertEquals(0, last.count(S3Requests.Kind.GET, "parts"), "no part read back: " + last);
        // What the part's summary says of its last invocation is what it asked, but for the completer's own (counted apart).
        for (S3Requests.Kind kind : List.of(S3Requests.Kind.PUT, S3Requests.Kind.LIST, S3Requests.Kind.DELETE)) {
            assertEquals(last.count(kind, "checkpoints"), success.s3Requests().count(kind, "checkpoints"), kind + " " + success.s3Requests());
        }
        assertEquals(1, success.s3Requests().count(S3Requests.Kind.LIST, "parts"), success.s3Requests().toString());
        assertEquals(1, success.s3Requests().count(S3Requests.Kind.PUT, "parts"), success.s3Requests().toString());
    }

    @Test
    void aMalformedNextLinkAfterTheDeadlineCutTheChainEndsItOnThatPageWithEveryPageOnce() throws Exception {
        int bad = 100;
        malformedAt.add("a#" + bad);
        BronzeStore store = new LocalBronzeStore(root);
        String message = chunkMessage(store, List.of("a"), 1);
        // The deadline comes after 40 more pages each time, not after a real 0.6 s of starts.
        Clock clock = new CallCountClock(this::calls, 40);
        ChunkWorker worker = ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(5)), clock);

        int invocations = 0;
        ChunkResult done = null;
        while (done == null) {
            invocations++;
            assertTrue(invocations < 40, "the chain makes progress in every invocation");
            try {
                done = worker.process(message, clock.instant().plus(ChunkWorker.WRITE_MARGIN).plusMillis(1_600));
            } catch (ChunkIncompleteException cut) {
                assertTrue(cut.progressed(), cut.getMessage());
            }
        }

        assertTrue(invocations >= 2, "the malformed link came after at least one resume, in invocation " + invocations);
        List<BronzeRecord> part = new BronzeWriter(store, mapper).readPart(RUN.partKey(0));
        List<BronzeRecord> chain = part.stream().filter(r -> r.requestId().equals("a")).toList();
        assertEquals(bad + 1, chain.size(), "pages 0 to " + bad + ", each once");
        for (int page = 0; page <= bad; page++) {
            BronzeRecord record = chain.get(page);
            assertEquals(page, record.page());
            assertEquals(200, record.status());
            assertEquals("a-" + page, record.body().get("items").get(0).asText(), "page " + page + " keeps its body");
            assertEquals(1, asked.get("a#" + page).get(), "page " + page + " asked for once");
        }
        assertTrue(chain.get(bad).error().contains("is an object, not a value"), chain.get(bad).error());
        assertEquals(bad + 1, asked.keySet().stream().filter(k -> k.startsWith("a#")).count(), "nothing asked past the bad link");
        assertEquals(1, part.stream().filter(r -> r.requestId().equals("flat-0")).count());
        assertEquals(List.of(), store.list(RUN.checkpointsPrefix()));
    }

    @Test
    void aPageWhoseRetryAfterOutlastsTheInvocationIsAskedForAgainInTheNextNotRecordedAsAnError() throws Exception {
        throttledOnce.add("a#5");
        BronzeStore store = new LocalBronzeStore(root);
        String message = chunkMessage(store, List.of("a"), 0);
        ChunkWorker worker = ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(5)), Clock.systemUTC());

        ChunkIncompleteException cut = assertThrows(ChunkIncompleteException.class,
                () -> worker.process(message, Instant.now().plus(ChunkWorker.WRITE_MARGIN).plusMillis(1_600)));
        assertTrue(cut.progressed());
        // What is left of the 2 s depends on how long the invocation took after the 429: only its bounds are fixed.
        assertTrue(cut.retryAfter().toMillis() > 0 && cut.retryAfter().toMillis() <= 2_000,
                "the continuation waits out what is left of the API's Retry-After: " + cut.retryAfter());

        Thread.sleep(cut.retryAfter().toMillis()); // what the continuation message's delay does
        worker.process(message, Instant.now().plusSeconds(300));

        List<BronzeRecord> part = new BronzeWriter(store, mapper).readPart(RUN.partKey(0));
        assertEquals(PAGES, part.size(), "the chain went on past the throttled page");
        assertEquals(200, part.get(5).status());
        assertTrue(part.stream().allMatch(r -> r.error() == null), "no page ended as an error");
        assertEquals(2, asked.get("a#5").get());
        assertTrue(asked.entrySet().stream().filter(e -> !e.getKey().equals("a#5")).allMatch(e -> e.getValue().get() == 1));
    }

    @Test
    void aCheckpointThatCannotBeWrittenHandsTheChunkBackRatherThanFailingItsRequests() throws Exception {
        BronzeStore store = new PutsRefused(new LocalBronzeStore(root), key -> key.startsWith("_checkpoints/"), new AtomicInteger(), true);
        String message = chunkMessage(store, List.of("a"), 0);
        ChunkWorker worker = ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(5)), Clock.systemUTC());

        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> worker.process(message, Instant.now().plusSeconds(300)));

        assertFalse(failure instanceof ChunkIncompleteException);
        assertTrue(failure.getMessage().contains("checkpoint could not be written"), failure.getMessage());
        assertFalse(store.exists(RUN.partKey(0)), "no part with a chain cut short in it");
        // No page waits for its checkpoint: the chain goes on until the first write fails, then stops.
        assertTrue(asked.size() > 1, "the chain did not wait for the checkpoint's write: " + asked.size());
        assertTrue(asked.size() < PAGES, "the chain stopped once the checkpoint could not be written: " + asked.size());
    }

    @Test
    void aFoldOfSegmentsThatCannotBeWrittenAtTheDeadlineLeavesTheCutAContinuationWithEveryPageOnce() throws Exception {
        AtomicInteger refusedFolds = new AtomicInteger();
        BronzeStore store = new PutsRefused(new LocalBronzeStore(root), key -> key.endsWith("-sealed.jsonl.gz"), refusedFolds, true);
        // Segments every 0.1 s, so each invocation (about 40 pages of 20 ms) leaves several for seal() to fold.
        String message = chunkMessage(store, List.of("a"), 0, ",\"checkpointIntervalMillis\":100");
        warmHttpStack();
        flatCalls.set(0);
        Clock clock = new CallCountClock(this::calls, 40);
        ChunkWorker worker = ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(5)), clock);

        ChunkResult done = null;
        for (int invocations = 1; done == null; invocations++) {
            assertTrue(invocations < 40, "the chain makes progress in every invocation");
            try {
                done = worker.process(message, clock.instant().plus(ChunkWorker.WRITE_MARGIN).plusMillis(1_600));
            } catch (ChunkIncompleteException cut) {
                // What a worker turns into a continuation message: not a failed delivery counted towards the DLQ.
                assertTrue(cut.progressed(), cut.getMessage());
            }
        }

        assertTrue(refusedFolds.get() > 0, "a fold was tried and refused");
        List<BronzeRecord> part = new BronzeWriter(store, mapper).readPart(RUN.partKey(0));
        assertEquals(PAGES, part.size());
        for (int page = 0; page < PAGES; page++) {
            assertEquals(page, part.get(page).page());
            assertEquals(1, asked.get("a#" + page).get(), "page " + page + " asked for once");
        }
        assertEquals(List.of(), store.list(RUN.checkpointsPrefix()), "the small segments removed with the part written");
    }

    @Test
    void whatAKilledInvocationLeftInItsCheckpointIsReadOnceEachAndTheChunkGoesOnFromIt() throws Exception {
        LocalBronzeStore local = new LocalBronzeStore(root);
        String message = chunkMessage(local, List.of("a"), 1);
        String base = "http://127.0.0.1:" + api.getAddress().getPort();
        int kept = 10;
        // The earlier invocation: pages 0..9 of chain a and the flat request, in several segments, then folded at its
        // deadline, and killed after the fold's write and before its deletes: every entry is there twice.
        BronzeStore killedBeforeDeletes = new PutsRefused(local, key -> false, new AtomicInteger(), false);
        try (CheckpointLog log = new CheckpointLog(new BronzeWriter(killedBeforeDeletes, mapper), RUN, 0, Clock.systemUTC(),
                dev.fetchfleet.Ticker.SYSTEM, Duration.ofMillis(1))) {
            for (int page = 0; page < kept; page++) {
                log.fetched(new BronzeRecord(RUN.runId(), RUN.source(), "a", "GET", base + "/feed/a" + (page == 0 ? "" : "?cursor=" + page),
                        200, Map.of(), mapper.readTree("{\"items\":[\"a-" + page + "\"]}"), "json", Instant.now(), 20, 1, null, page),
                        java.net.URI.create(base + "/feed/a?cursor=" + (page + 1)));
                Thread.sleep(5); // a segment or so per page
            }
            log.fetched(new BronzeRecord(RUN.runId(), RUN.source(), "flat-0", "GET", base + "/items/0", 200, Map.of(),
                    mapper.readTree("{\"ok\":true}"), "json", Instant.now(), 1, 1, null, 0), null);
            log.seal();
        }
        List<String> left = local.list(RUN.checkpointPrefix(0));
        assertTrue(left.size() > 2 && left.stream().anyMatch(k -> k.endsWith("-sealed.jsonl.gz")), "small segments and the fold: " + left);
        // An empty segment, and what a kill in the middle of a local write leaves: a temp file cut short, never renamed.
        java.nio.file.Path folder = root.resolve(RUN.checkpointPrefix(0));
        java.nio.file.Files.write(folder.resolve("seg-0000000000000-00000000-000001.jsonl"), new byte[0]);
        java.nio.file.Files.write(folder.resolve(".tmp-1234567890.part"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0});

        ChunkResult done = ChunkWorker.create(mapper, local, Fetcher.newHttpClient(Duration.ofSeconds(5)), Clock.systemUTC())
                .process(message, Instant.now().plusSeconds(300));

        List<BronzeRecord> part = new BronzeWriter(local, mapper).readPart(RUN.partKey(0));
        assertEquals(PAGES + 1, part.size(), "each (request, page) once");
        List<BronzeRecord> chain = part.stream().filter(r -> r.requestId().equals("a")).toList();
        for (int page = 0; page < PAGES; page++) {
            assertEquals(page, chain.get(page).page());
            assertEquals("a-" + page, chain.get(page).body().get("items").get(0).asText());
            assertEquals(page < kept ? null : 1, asked.get("a#" + page) == null ? null : asked.get("a#" + page).get(),
                    "page " + page + ": the checkpoint's pages not asked again, the rest once");
        }
        assertEquals(0, flatCalls.get(), "the flat request in the checkpoint is not asked again");
        assertTrue(done.runCompleted().isPresent());
        assertEquals(PAGES + 1, done.runCompleted().get().records());
        assertEquals(List.of(), local.list(RUN.checkpointsPrefix()), "every segment removed, the empty one too");
    }

    @Test
    void aCheckpointSegmentThatFailsOnceLeavesNoGapTheRedeliveryGoesOnFromTheLastWrittenOne() throws Exception {
        // The second segment's write fails once (an S3 error past the client's retries); later ones would succeed.
        AtomicInteger checkpointPuts = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        BronzeStore store = new PutsRefused(new LocalBronzeStore(root),
                key -> key.startsWith("_checkpoints/") && checkpointPuts.incrementAndGet() == 2, refused, true);
        String message = chunkMessage(store, List.of("a"), 0, ",\"checkpointIntervalMillis\":100");
        warmHttpStack();
        ChunkWorker worker = ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(5)), Clock.systemUTC());

        RuntimeException failed = assertThrows(RuntimeException.class, () -> worker.process(message, Instant.now().plusSeconds(300)));
        assertTrue(failed.getMessage().contains("checkpoint could not be written"), failed.getMessage());
        assertEquals(1, refused.get());
        int askedInFirst = asked.size();
        ChunkResult done = worker.process(message, Instant.now().plusSeconds(300)); // the redelivery

        List<BronzeRecord> part = new BronzeWriter(store, mapper).readPart(RUN.partKey(0));
        assertEquals(PAGES, part.size(), "every page once, none lost in the failed segment's interval");
        for (int page = 0; page < PAGES; page++) {
            assertEquals(page, part.get(page).page());
            assertEquals("a-" + page, part.get(page).body().get("items").get(0).asText());
        }
        // Asked again: what the failed segment held and what came after it (its chain stopped at its next page).
        int again = asked.values().stream().mapToInt(AtomicInteger::get).sum() - PAGES;
        assertTrue(again > 0 && again <= askedInFirst, again + " pages asked again of " + askedInFirst + " asked in the first delivery");
        assertTrue(done.runCompleted().isPresent());
    }

    /** Every call the API has had, pages and flat requests, repeats included. */
    /**
     * One exchange with the test API on a client of its own: a JVM's first HTTP exchanges can outlast the 1 s request
     * timeout, and a timed-out page is rightly asked for again, which a test counting calls would take for the worker's.
     */
    private void warmHttpStack() throws Exception {
        try (java.net.http.HttpClient warm = java.net.http.HttpClient.newHttpClient()) {
            warm.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + api.getAddress().getPort()
                    + "/items/warm-up")).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        }
    }

    private int calls() {
        return asked.values().stream().mapToInt(AtomicInteger::get).sum() + flatCalls.get();
    }

    /** A chunk of chains (feed/{name}) and flat requests, with its manifest written as the dispatcher would. */
    private String chunkMessage(BronzeStore store, List<String> chains, int flat) {
        return chunkMessage(store, chains, flat, "");
    }

    /** {@code moreFetch}: more fields of the job's fetch block, each after a comma. */
    private String chunkMessage(BronzeStore store, List<String> chains, int flat, String moreFetch) {
        String base = "http://127.0.0.1:" + api.getAddress().getPort();
        List<String> requests = new ArrayList<>();
        chains.forEach(c -> requests.add("{\"id\":\"" + c + "\",\"url\":\"" + base + "/feed/" + c
                + "\",\"paginate\":{\"type\":\"cursor\",\"path\":\"meta.next_cursor\",\"param\":\"cursor\",\"maxPages\":1000}}"));
        for (int i = 0; i < flat; i++) {
            requests.add("{\"id\":\"flat-" + i + "\",\"url\":\"" + base + "/items/" + i + "\"}");
        }
        Job job = new JobParser(mapper).parse("{\"source\":\"feed\",\"requests\":[" + String.join(",", requests)
                + "],\"fetch\":{\"timeoutSeconds\":1,\"perHost\":{\"maxConcurrency\":8,\"requestsPerSecond\":1000}" + moreFetch + "}}");
        RequestSource.Inline inline = (RequestSource.Inline) job.requests();
        new RunFiles(store, mapper).writeManifest(new Manifest(RUN.runId(), RUN.source(),
                RUN.ingestDate(), Instant.now(), inline.requests().size(), 1, inline.requests().size(), job.raw()));
        return new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES)
                .encode(new Chunk(RUN, 0, 1, 1, job.fetch(), inline.requests()));
    }

    private static void respond(HttpExchange exchange, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A real store on disk whose plain writes of some keys fail, as S3 does in an outage ({@code refusals} counts them),
     * and whose batch deletes, unless {@code deletes}, never come (the worker was killed before them).
     */
    private record PutsRefused(BronzeStore store, java.util.function.Predicate<String> refused, AtomicInteger refusals,
                               boolean deletes) implements ForwardingStore {
        @Override
        public void deleteAll(List<String> keys) {
            if (deletes) {
                store.deleteAll(keys);
            }
        }

        @Override
        public void put(String key, byte[] bytes) {
            if (refused.test(key)) {
                refusals.incrementAndGet();
                throw new IllegalStateException("503 Slow Down");
            }
            store.put(key, bytes);
        }
    }
}
