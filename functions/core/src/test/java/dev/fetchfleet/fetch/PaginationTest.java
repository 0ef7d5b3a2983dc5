package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every page its own record, by all five styles, against a paginated API on loopback that counts what it serves. */
class PaginationTest {

    private HttpServer server;
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    private String base;

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                q.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return q;
    }

    private void respond(HttpExchange exchange, String json, Map<String, String> headers) throws IOException {
        served.computeIfAbsent(exchange.getRequestURI().getPath(), k -> new AtomicInteger()).incrementAndGet();
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/link/items", ex -> {
            int page = Integer.parseInt(query(ex.getRequestURI()).getOrDefault("page", "1"));
            Map<String, String> h = page < 3 ? Map.of("Link", "</link/items?page=" + (page + 1) + ">; rel=\"next\", </link/items?page=1>; rel=\"first\"") : Map.of();
            respond(ex, "{\"items\":[" + page + "]}", h);
        });
        server.createContext("/next/items", ex -> {
            int p = Integer.parseInt(query(ex.getRequestURI()).getOrDefault("p", "1"));
            respond(ex, "{\"items\":[" + p + "],\"paging\":{\"next\":" + (p < 4 ? "\"items?p=" + (p + 1) + "\"" : "null") + "}}", Map.of());
        });
        server.createContext("/cursor/items", ex -> {
            String cursor = query(ex.getRequestURI()).getOrDefault("cursor", "start");
            String next = switch (cursor) {
                case "start" -> "\"c2\"";
                case "c2" -> "\"c3\"";
                default -> "null";
            };
            respond(ex, "{\"data\":[\"" + cursor + "\"],\"meta\":{\"next_cursor\":" + next + "}}", Map.of());
        });
        server.createContext("/page/items", ex -> {
            int page = Integer.parseInt(query(ex.getRequestURI()).get("page"));
            respond(ex, "{\"items\":" + (page <= 3 ? "[" + page + "]" : "[]") + "}", Map.of());
        });
        server.createContext("/offset/items", ex -> {
            int offset = Integer.parseInt(query(ex.getRequestURI()).get("offset"));
            int limit = Integer.parseInt(query(ex.getRequestURI()).get("limit"));
            respond(ex, "{\"items\":" + (offset < 250 ? "[" + offset + "," + limit + "]" : "[]") + "}", Map.of());
        });
        server.createContext("/cross/items", ex -> respond(ex, "{\"next\":\"http://localhost:" + server.getAddress().getPort() + "/elsewhere\"}", Map.of()));
        server.createContext("/elsewhere", ex -> respond(ex, "{}", Map.of()));
        server.createContext("/cycle/items", ex -> {
            int p = Integer.parseInt(query(ex.getRequestURI()).getOrDefault("p", "1"));
            respond(ex, "{\"next\":\"/cycle/items?p=" + (p == 1 ? 2 : 1) + "\"}", Map.of());
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private List<BronzeRecord> fetch(String url, String paginate) {
        String job = "{\"source\":\"pages\",\"requests\":[{\"id\":\"r\",\"url\":\"" + url + "\"}],\"paginate\":" + paginate + "}";
        RequestSpec request = new JobParser(Json.newMapper()).parse(job).requests() instanceof dev.fetchfleet.job.RequestSource.Inline inline
                ? inline.requests().getFirst() : null;
        FetchReport report = new Fetcher(Fetcher.newHttpClient(Duration.ofSeconds(5)), Json.newMapper(), Clock.systemUTC())
                .fetchAll(new RunRef("pages", "2026-11-27", "run"), List.of(request), FetchConfig.DEFAULT, Instant.now().plusSeconds(60));
        assertTrue(report.complete());
        List<BronzeRecord> records = report.records();
        for (int i = 0; i < records.size(); i++) {
            assertEquals(i, records.get(i).page(), "pages numbered from 0 in order");
            assertEquals("r", records.get(i).requestId());
        }
        return records;
    }

    @Test
    void followsRelNextOfTheLinkHeaderResolvedAgainstThePage() {
        List<BronzeRecord> pages = fetch(base + "/link/items?page=1", "{\"type\":\"link\"}");
        assertEquals(3, pages.size());
        assertEquals(base + "/link/items?page=3", pages.get(2).url());
        assertEquals(3, served.get("/link/items").get());
    }

    @Test
    void followsARelativeNextUrlAtADotPath() {
        List<BronzeRecord> pages = fetch(base + "/next/items?p=1", "{\"type\":\"next_url\",\"path\":\"paging.next\"}");
        assertEquals(4, pages.size());
        assertEquals(base + "/next/items?p=4", pages.get(3).url());
        assertNull(pages.get(3).error());
    }

    @Test
    void sendsTheCursorBackAsAQueryParameter() {
        List<BronzeRecord> pages = fetch(base + "/cursor/items", "{\"type\":\"cursor\",\"path\":\"meta.next_cursor\",\"param\":\"cursor\"}");
        assertEquals(List.of(base + "/cursor/items", base + "/cursor/items?cursor=c2", base + "/cursor/items?cursor=c3"),
                pages.stream().map(BronzeRecord::url).toList());
    }

    @Test
    void countsPagesUntilTheListIsEmpty() {
        List<BronzeRecord> pages = fetch(base + "/page/items", "{\"type\":\"page\",\"param\":\"page\",\"start\":1,\"stopWhenEmpty\":\"items\"}");
        assertEquals(4, pages.size(), "three pages with items and the empty one that ends the chain");
        assertEquals(base + "/page/items?page=4", pages.get(3).url());
        assertEquals(0, pages.get(3).body().get("items").size());
    }

    @Test
    void stepsTheOffsetByTheLimitUntilTheListIsEmpty() {
        List<BronzeRecord> pages = fetch(base + "/offset/items?q=x", "{\"type\":\"offset\",\"param\":\"offset\",\"limitParam\":\"limit\",\"limit\":100,\"stopWhenEmpty\":\"items\"}");
        assertEquals(4, pages.size());
        assertEquals(base + "/offset/items?q=x&offset=200&limit=100", pages.get(2).url());
    }

    @Test
    void anEmptyFirstPageIsOneRecordAndTheEndOfTheChain() {
        List<BronzeRecord> pages = fetch(base + "/page/items", "{\"type\":\"page\",\"start\":4,\"stopWhenEmpty\":\"items\"}");
        assertEquals(1, pages.size());
        assertNull(pages.getFirst().error());
    }

    @Test
    void refusesANextLinkToAnotherHostAndRecordsWhy() {
        List<BronzeRecord> pages = fetch(base + "/cross/items", "{\"type\":\"next_url\",\"path\":\"next\"}");
        assertEquals(1, pages.size());
        assertTrue(pages.getFirst().error().contains("another host refused"), pages.getFirst().error());
        assertNull(served.get("/elsewhere"), "the other host got nothing");
    }

    @Test
    void followsANextLinkToAnAllowedHost() {
        List<BronzeRecord> pages = fetch(base + "/cross/items", "{\"type\":\"next_url\",\"path\":\"next\",\"allowHosts\":[\"localhost\"]}");
        assertEquals(2, pages.size());
        assertEquals(1, served.get("/elsewhere").get());
    }

    @Test
    void endsACycleWithAnErrorInsteadOfLooping() {
        List<BronzeRecord> pages = fetch(base + "/cycle/items?p=1", "{\"type\":\"next_url\",\"path\":\"next\"}");
        assertEquals(2, pages.size());
        assertTrue(pages.get(1).error().contains("cycle"), pages.get(1).error());
        assertEquals(2, served.get("/cycle/items").get());
    }

    @Test
    void stopsAtMaxPagesAndSaysSo() {
        List<BronzeRecord> pages = fetch(base + "/link/items?page=1", "{\"type\":\"link\",\"maxPages\":2}");
        assertEquals(2, pages.size());
        assertTrue(pages.get(1).error().contains("maxPages (2) reached"), pages.get(1).error());
        assertEquals(2, served.get("/link/items").get());
    }

    @Test
    void aRequestsOwnPaginateOverridesTheJobs() {
        String job = "{\"source\":\"pages\",\"paginate\":{\"type\":\"link\"},\"requests\":[{\"url\":\"" + base
                + "/page/items\",\"paginate\":{\"type\":\"page\",\"stopWhenEmpty\":\"items\"}},{\"url\":\"" + base + "/link/items\"}]}";
        var requests = ((dev.fetchfleet.job.RequestSource.Inline) new JobParser(Json.newMapper()).parse(job).requests()).requests();
        assertEquals("page", requests.get(0).paginate().type());
        assertEquals("link", requests.get(1).paginate().type());
    }
}
