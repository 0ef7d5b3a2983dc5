package dev.fetchfleet.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo API's guarded endpoints: {@code POST /oauth/token} (OAuth2 client_credentials for
 * {@value #CLIENT_ID}:{@value #CLIENT_SECRET}, by Basic or in the form, and refresh_token for
 * {@value #REFRESH_TOKEN}), issuing tokens of the given life; {@code GET /secure/items/{id}} for a live
 * token; {@code GET /keyed/items/{id}} for API key {@value #API_KEY} as {@code api_key} in the query or
 * {@code X-Api-Key}. Anything else gets 401, and is counted.
 */
final class DemoAuth {

    static final String CLIENT_ID = "demo-client";
    static final String CLIENT_SECRET = "demo-secret";
    static final String REFRESH_TOKEN = "demo-refresh-token";
    static final String API_KEY = "demo-key";

    private final DemoApi api;
    private final Duration tokenLife;
    private final Map<String, Instant> live = new ConcurrentHashMap<>();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong firstGuardedNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong lastGuardedNanos = new java.util.concurrent.atomic.AtomicLong();

    DemoAuth(DemoApi api, Duration tokenLife) {
        this.api = api;
        this.tokenLife = tokenLife;
    }

    void register(HttpServer server) {
        server.createContext("/oauth/token", this::token);
        server.createContext("/secure/items/", exchange -> item(exchange, live(exchange)));
        server.createContext("/keyed/items/", exchange -> item(exchange, keyed(exchange)));
    }

    int tokenRequests() {
        return tokenRequests.get();
    }

    int unauthorized() {
        return unauthorized.get();
    }

    /** From the first guarded call to the last: how long a run kept asking, as the API saw it. */
    Duration guardedSpan() {
        return Duration.ofNanos(lastGuardedNanos.get() - firstGuardedNanos.get());
    }

    /** Every access token issued so far: what a test looks for in outputs where none may be. */
    Set<String> issued() {
        return Set.copyOf(live.keySet());
    }

    private void token(HttpExchange exchange) throws java.io.IOException {
        tokenRequests.incrementAndGet();
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        boolean client = basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                || CLIENT_ID.equals(form.get("client_id")) && CLIENT_SECRET.equals(form.get("client_secret"));
        boolean granted = switch (form.getOrDefault("grant_type", "")) {
            case "client_credentials" -> client;
            case "refresh_token" -> REFRESH_TOKEN.equals(form.get("refresh_token"));
            default -> false;
        };
        try (exchange) {
            if (!granted) {
                HttpJson.send(exchange, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            String token = "demo-at-" + java.util.UUID.randomUUID();
            live.put(token, Instant.now().plus(tokenLife));
            HttpJson.send(exchange, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + tokenLife.toMillis() / 1000.0 + "}");
        }
    }

    private boolean live(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Instant expiry = authorization != null && authorization.startsWith("Bearer ") ? live.get(authorization.substring(7)) : null;
        return expiry != null && Instant.now().isBefore(expiry);
    }

    private static boolean keyed(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        return API_KEY.equals(exchange.getRequestHeaders().getFirst("X-Api-Key"))
                || query != null && (("&" + query + "&").contains("&api_key=" + API_KEY + "&"));
    }

    private void item(HttpExchange exchange, boolean allowed) throws java.io.IOException {
        long now = System.nanoTime();
        firstGuardedNanos.compareAndSet(0, now);
        lastGuardedNanos.accumulateAndGet(now, Math::max);
        if (!allowed) {
            unauthorized.incrementAndGet();
            try (exchange) {
                HttpJson.send(exchange, 401, "{\"error\":\"unauthorized\"}");
            }
            return;
        }
        String id = exchange.getRequestURI().getPath().replaceFirst(".*/items/", "");
        api.serve(exchange, () -> new DemoApi.Answer(200, "{\"id\":\"" + id + "\",\"name\":\"item " + id + "\"}", Map.of()));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2) {
                form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        return form;
    }
}
