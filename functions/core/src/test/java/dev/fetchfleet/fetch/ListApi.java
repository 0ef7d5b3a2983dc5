package dev.fetchfleet.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.fetchfleet.Json;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One list of {@code total} items ({@code it_0000}…) on loopback, served the ways real APIs page it:
 * {@code /stripe?limit=&starting_after=} (Stripe: {@code data}, {@code has_more}), {@code /offset?offset=&limit=}
 * and {@code /page?page=&per_page=} (with {@code total}), {@code POST /search} with the cursor in the JSON
 * body at {@code page.cursor}, {@code /headers} with the cursor in request header {@code X-Cursor} and
 * the next one in response header {@code X-Next-Cursor}. A call past the end answers an empty list.
 */
final class ListApi implements AutoCloseable {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private final LoopbackApi api;
    private final int total;

    ListApi(int total) throws IOException {
        this.total = total;
        this.api = LoopbackApi.start((exchange, n) -> respond(exchange));
    }

    URI uri(String pathAndQuery) {
        return api.uri(pathAndQuery);
    }

    int calls() {
        return api.requestCount();
    }

    java.util.List<LoopbackApi.Received> received() {
        return api.received();
    }

    private static String id(int i) {
        return String.format("it_%04d", i);
    }

    private String items(int from, int count) {
        StringJoiner items = new StringJoiner(",", "[", "]");
        for (int i = from; i < Math.min(total, from + count); i++) {
            items.add("{\"id\":\"" + id(i) + "\"}");
        }
        return items.toString();
    }

    private int indexAfter(String cursor) {
        return cursor == null || cursor.isEmpty() ? 0 : Integer.parseInt(cursor.substring(3)) + 1;
    }

    private void respond(HttpExchange exchange) throws IOException {
        Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
        switch (exchange.getRequestURI().getPath()) {
            case "/stripe" -> {
                int limit = Integer.parseInt(q.getOrDefault("limit", "10"));
                int from = indexAfter(q.get("starting_after"));
                LoopbackApi.json(exchange, 200, "{\"object\":\"list\",\"data\":" + items(from, limit) + ",\"has_more\":"
                        + (from + limit < total) + "}");
            }
            case "/offset" -> LoopbackApi.json(exchange, 200, "{\"items\":" + items(Integer.parseInt(q.get("offset")),
                    Integer.parseInt(q.get("limit"))) + ",\"meta\":{\"total\":" + total + "}}");
            case "/page" -> {
                int perPage = Integer.parseInt(q.getOrDefault("per_page", "50"));
                int page = Integer.parseInt(q.get("page"));
                LoopbackApi.json(exchange, 200, "{\"items\":" + items((page - 1) * perPage, perPage) + ",\"total\":" + total + "}");
            }
            case "/search" -> {
                JsonNode body = MAPPER.readTree(LoopbackApi.body(exchange));
                int size = body.path("page").path("size").asInt(10);
                int from = indexAfter(body.path("page").path("cursor").asText(null));
                String next = from + size < total ? "\"" + id(from + size - 1) + "\"" : "null";
                LoopbackApi.json(exchange, 200, "{\"query\":" + body.get("query") + ",\"results\":" + items(from, size)
                        + ",\"next_cursor\":" + next + "}");
            }
            case "/headers" -> {
                int from = indexAfter(exchange.getRequestHeaders().getFirst("X-Cursor"));
                if (from + 10 < total) {
                    exchange.getResponseHeaders().set("X-Next-Cursor", id(from + 9));
                }
                LoopbackApi.json(exchange, 200, "{\"items\":" + items(from, 10) + "}");
            }
            default -> LoopbackApi.json(exchange, 404, "{}");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                q.put(kv[0], kv.length > 1 ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8) : "");
            }
        }
        return q;
    }

    @Override
    public void close() {
        api.close();
    }
}
