package dev.fetchfleet.fetch;

import com.sun.net.httpserver.HttpExchange;
import dev.fetchfleet.job.Paginate;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A paginated API on loopback in all five styles, {@link #PAGES} pages a chain, for the tests that
 * must hold for every paginator type: {@code /link}, {@code /next_url}, {@code /cursor}, {@code /page},
 * {@code /offset}. Each page's body is {@code {"items": ["<type>-<page>"], …}} with the page counted
 * from 0. Page {@code badAt} (if not -1) carries a next link of the kind {@code bad} names instead of a
 * good one; a request whose {@code Authorization} is not {@code requiredAuthorization} (when set) gets 401.
 */
final class PagedApi implements AutoCloseable {

    static final int PAGES = 4;
    static final List<String> TYPES = List.of("link", "next_url", "cursor", "page", "offset");

    private final LoopbackApi api;

    private PagedApi(int badAt, String bad, String requiredAuthorization) throws IOException {
        api = LoopbackApi.start((exchange, n) -> respond(exchange, badAt, bad, requiredAuthorization));
    }

    static PagedApi start() throws IOException {
        return new PagedApi(-1, null, null);
    }

    static PagedApi withBadLinkAt(int page, String bad) throws IOException {
        return new PagedApi(page, bad, null);
    }

    static PagedApi requiring(String authorization) throws IOException {
        return new PagedApi(-1, null, authorization);
    }

    /** The first URL of a chain of {@code type}, and how the job would paginate it. */
    URI first(String type) {
        return api.uri("/" + type + "/items");
    }

    /** Records a whole chain of {@code type} makes: page and offset styles end on an empty page of their own. */
    static int records(String type) {
        return type.equals("page") || type.equals("offset") ? PAGES + 1 : PAGES;
    }

    static Paginate paginate(String type) {
        return switch (type) {
            case "link" -> new Paginate("link", null, null, 1, null, "limit", 100, 1000, List.of());
            case "next_url" -> new Paginate("next_url", "paging.next", null, 1, null, "limit", 100, 1000, List.of());
            case "cursor" -> new Paginate("cursor", "meta.next_cursor", "cursor", 1, null, "limit", 100, 1000, List.of());
            case "page" -> new Paginate("page", null, "page", 0, "items", "limit", 100, 1000, List.of());
            case "offset" -> new Paginate("offset", null, "offset", 1, "items", "limit", 10, 1000, List.of());
            default -> throw new IllegalArgumentException(type);
        };
    }

    LoopbackApi loopback() {
        return api;
    }

    private static void respond(HttpExchange exchange, int badAt, String bad, String requiredAuthorization) throws IOException {
        if (requiredAuthorization != null && !requiredAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            LoopbackApi.json(exchange, 401, "{\"error\": \"bad credentials\"}");
            return;
        }
        String type = exchange.getRequestURI().getPath().split("/")[1];
        Map<String, String> query = query(exchange.getRequestURI());
        int page = switch (type) {
            case "link", "next_url" -> Integer.parseInt(query.getOrDefault("p", "0"));
            case "cursor" -> Integer.parseInt(query.getOrDefault("cursor", "c0").substring(1));
            case "page" -> Integer.parseInt(query.get("page"));
            case "offset" -> Integer.parseInt(query.get("offset")) / 10;
            default -> throw new IllegalArgumentException(type);
        };
        boolean last = page + 1 >= PAGES;
        boolean broken = page == badAt;
        String items = page >= PAGES ? "[]" : "[\"" + type + "-" + page + "\"]";
        switch (type) {
            case "link" -> {
                if (!last) {
                    exchange.getResponseHeaders().set("Link", !broken ? "</link/items?p=" + (page + 1) + ">; rel=\"next\""
                            : "unparsable".equals(bad) ? "/link/items?p=" + (page + 1) + "; rel=\"next\""
                            : "</link/items?p=" + (page + 1) + " x>; rel=\"next\"");
                }
                LoopbackApi.json(exchange, 200, "{\"items\": " + items + "}");
            }
            case "next_url" -> {
                String next = last ? "null" : !broken ? "\"items?p=" + (page + 1) + "\""
                        : "bracket".equals(bad) ? "\"http://[127.0.0.1/next_url/items?p=" + (page + 1) + "\""
                        : "\"items?p=" + (page + 1) + " x\"";
                LoopbackApi.json(exchange, 200, "{\"items\": " + items + ", \"paging\": {\"next\": " + next + "}}");
            }
            case "cursor" -> {
                String next = last ? "null" : !broken ? "\"c" + (page + 1) + "\"" : "{\"c\": " + (page + 1) + "}";
                LoopbackApi.json(exchange, 200, "{\"items\": " + items + ", \"meta\": {\"next_cursor\": " + next + "}}");
            }
            default -> LoopbackApi.json(exchange, 200, "{\"items\": " + (broken ? "\"" + type + "-" + page + " (not a list)\"" : items) + "}");
        }
    }

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

    @Override
    public void close() {
        api.close();
    }
}
