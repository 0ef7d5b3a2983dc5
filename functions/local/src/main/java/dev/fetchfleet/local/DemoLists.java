package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo API's lists, each paged the way a well-known kind of API pages it, {@value #TOTAL} items each:
 * {@code GET /stripe/customers?limit=&starting_after=} (Stripe: {@code data}, {@code has_more}),
 * {@code GET /offset/orders?offset=&limit=} (with {@code total}), {@code POST /search} (the cursor in the
 * JSON body, {@code {"query", "cursor", "size"}}), and {@code GET /events?start=&end=} (one window's events).
 */
final class DemoLists {

    static final int TOTAL = 1000;

    private final DemoApi api;
    private final ObjectMapper mapper = dev.fetchfleet.Json.newMapper();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger pastTheEnd = new AtomicInteger();

    DemoLists(DemoApi api) {
        this.api = api;
    }

    void register(HttpServer server) {
        server.createContext("/stripe/customers", this::stripe);
        server.createContext("/offset/orders", this::offset);
        server.createContext("/search", this::search);
        server.createContext("/events", this::events);
    }

    /** Calls per list ("stripe", "offset", "search", "events"). */
    int calls(String list) {
        AtomicInteger n = calls.get(list);
        return n == null ? 0 : n.get();
    }

    /** Calls that asked for a page after the last item: what a total or has_more should have saved. */
    int pastTheEnd() {
        return pastTheEnd.get();
    }

    private void count(String list, int from) {
        calls.computeIfAbsent(list, k -> new AtomicInteger()).incrementAndGet();
        if (from >= TOTAL) {
            pastTheEnd.incrementAndGet();
        }
    }

    private static String items(String prefix, int from, int count) {
        StringJoiner items = new StringJoiner(",", "[", "]");
        for (int i = from; i < Math.min(TOTAL, from + count); i++) {
            items.add("{\"id\":\"" + prefix + String.format("%04d", i) + "\",\"n\":" + i + "}");
        }
        return items.toString();
    }

    private static int after(String id) {
        return id == null || id.isEmpty() ? 0 : Integer.parseInt(id.replaceAll("\\D", "")) + 1;
    }

    private void stripe(HttpExchange exchange) throws java.io.IOException {
        Map<String, String> q = query(exchange);
        int limit = Math.min(100, Integer.parseInt(q.getOrDefault("limit", "10")));
        int from = after(q.get("starting_after"));
        count("stripe", from);
        api.serve(exchange, () -> new DemoApi.Answer(200, "{\"object\":\"list\",\"url\":\"/v1/customers\",\"data\":"
                + items("cus_", from, limit) + ",\"has_more\":" + (from + limit < TOTAL) + "}", Map.of()));
    }

    private void offset(HttpExchange exchange) throws java.io.IOException {
        Map<String, String> q = query(exchange);
        int limit = Integer.parseInt(q.getOrDefault("limit", "100"));
        int from = Integer.parseInt(q.getOrDefault("offset", "0"));
        count("offset", from);
        api.serve(exchange, () -> new DemoApi.Answer(200, "{\"orders\":" + items("ord_", from, limit) + ",\"total\":" + TOTAL + "}", Map.of()));
    }

    private void search(HttpExchange exchange) throws java.io.IOException {
        JsonNode body = mapper.readTree(exchange.getRequestBody().readAllBytes());
        int size = body.path("size").asInt(100);
        int from = after(body.path("cursor").asText(null));
        count("search", from);
        String next = from + size < TOTAL ? "\"doc_" + String.format("%04d", from + size - 1) + "\"" : "null";
        api.serve(exchange, () -> new DemoApi.Answer(200, "{\"query\":" + body.path("query") + ",\"hits\":" + items("doc_", from, size)
                + ",\"next_cursor\":" + next + "}", Map.of()));
    }

    private void events(HttpExchange exchange) throws java.io.IOException {
        Map<String, String> q = query(exchange);
        count("events", 0);
        String start = q.getOrDefault("start", "");
        String end = q.getOrDefault("end", "");
        api.serve(exchange, () -> new DemoApi.Answer(200, "{\"start\":\"" + start + "\",\"end\":\"" + end
                + "\",\"events\":[{\"type\":\"signup\",\"at\":\"" + start + "\"}]}", Map.of()));
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> q = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                q.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return q;
    }
}
