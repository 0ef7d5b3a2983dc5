package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestSource;
import dev.fetchfleet.job.RequestSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A chain's pages are told (spilled, checkpointed) while its next page is fetched, not before: in page
 * order, one at a time, and a telling that fails still fails the fetch.
 */
class ChainTellingTest {

    private static final int PAGES = 10;

    private HttpServer server;
    /** Counts the chain's requests as they arrive: page 1's arrival is what the first telling waits for. */
    private final CountDownLatch secondPageArrived = new CountDownLatch(2);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/feed", this::page);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void page(HttpExchange exchange) throws IOException {
        try (exchange) {
            secondPageArrived.countDown();
            String query = exchange.getRequestURI().getRawQuery();
            int cursor = query == null ? 0 : Integer.parseInt(query.substring("cursor=".length()));
            byte[] body = ("{\"meta\":{\"next\":" + (cursor + 1 < PAGES ? "\"" + (cursor + 1) + "\"" : "null") + "}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private FetchReport fetch(FetchProgress progress) {
        String job = """
                {"source": "chain", "requests": [{"id": "r", "url": "http://127.0.0.1:%d/feed"}],
                 "paginate": {"type": "cursor", "path": "meta.next", "param": "cursor", "maxPages": 100}}
                """.formatted(server.getAddress().getPort());
        List<RequestSpec> requests = ((RequestSource.Inline) new JobParser(Json.newMapper()).parse(job).requests()).requests();
        return new Fetcher(Fetcher.newHttpClient(Duration.ofSeconds(5)), Json.newMapper(), Clock.systemUTC())
                .fetchAll(new RunRef("chain", "2026-11-30", "run"), requests, Map.of(), FetchConfig.DEFAULT, Instant.now().plusSeconds(60),
                        progress);
    }

    @Test
    void aChainsNextPageGoesOutWhileItsPageIsStillBeingTold() {
        List<Boolean> nextPageWasAskedForWhileTelling = new CopyOnWriteArrayList<>();
        FetchReport report = fetch((record, next) -> {
            if (record.page() == 0) {
                // Waited for, not assumed: a fetcher that tells before it asks never gets here with page 1 asked for.
                nextPageWasAskedForWhileTelling.add(secondPageArrived.await(10, TimeUnit.SECONDS));
            }
        });
        assertTrue(report.complete());
        assertEquals(PAGES, report.records().size());
        assertEquals(List.of(true), nextPageWasAskedForWhileTelling);
    }

    @Test
    void aChainsPagesAreToldInPageOrderOneAtATime() {
        List<Integer> told = new CopyOnWriteArrayList<>();
        AtomicInteger telling = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        FetchReport report = fetch((record, next) -> {
            if (telling.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            Thread.sleep(20); // long beside a loopback page: an overlap would show
            told.add(record.page());
            telling.decrementAndGet();
        });
        assertTrue(report.complete());
        assertEquals(java.util.stream.IntStream.range(0, PAGES).boxed().toList(), told);
        assertFalse(overlapped.get(), "two pages of one chain were told at once");
        assertEquals(told, report.records().stream().map(BronzeRecord::page).toList());
    }

    @Test
    void aTellingThatFailsFailsTheFetchWithItsOwnError() {
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> fetch((record, next) -> {
            if (record.page() == 3) {
                throw new IllegalStateException("checkpoint full");
            }
        }));
        assertEquals("checkpoint full", failed.getMessage());
    }
}
