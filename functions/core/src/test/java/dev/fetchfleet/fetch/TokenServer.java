package dev.fetchfleet.fetch;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth2 authorization server and the API it guards, on one loopback server: {@code /token} issues
 * tokens of {@code life} (client_credentials for {@link #CLIENT_ID}:{@link #CLIENT_SECRET}, by Basic or
 * in the form; refresh_token for the current refresh token, rotated on each use), {@code /items/N}
 * answers 200 to a live token and 401 to anything else. Tokens can be revoked to force a 401.
 */
final class TokenServer implements AutoCloseable {

    static final String CLIENT_ID = "client-7e1";
    static final String CLIENT_SECRET = "cs-4b9d2f-SECRET";
    static final String FIRST_REFRESH_TOKEN = "rt-0-SECRET";

    private final LoopbackApi api;
    private final Duration life;
    private final long delayMillis;
    private final Clock clock;
    private final Map<String, Instant> live = new ConcurrentHashMap<>();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile String refreshToken = FIRST_REFRESH_TOKEN;
    private final List<Map<String, String>> forms = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    private TokenServer(Duration life, long tokenDelayMillis, Clock clock) throws IOException {
        this.life = life;
        this.delayMillis = tokenDelayMillis;
        this.clock = clock;
        this.api = LoopbackApi.start((exchange, n) -> respond(exchange));
    }

    static TokenServer start(Duration life) throws IOException {
        return new TokenServer(life, 0, Clock.systemUTC());
    }

    /** Tokens whose life the server judges by {@code clock}: a test's clock that it moves by hand. */
    static TokenServer withClock(Duration life, Clock clock) throws IOException {
        return new TokenServer(life, 0, clock);
    }

    /** Token answers held back {@code millis}: a slow authorization server, so that concurrent callers overlap. */
    static TokenServer slow(Duration life, long millis) throws IOException {
        return new TokenServer(life, millis, Clock.systemUTC());
    }

    URI tokenUrl() {
        return api.uri("/token");
    }

    URI item(int n) {
        return api.uri("/items/" + n);
    }

    int tokenRequests() {
        return tokenRequests.get();
    }

    int unauthorized() {
        return unauthorized.get();
    }

    /** Every token this server has issued, and every refresh token: what must appear in no output. */
    java.util.Set<String> issuedSecrets() {
        java.util.Set<String> all = new java.util.HashSet<>(live.keySet());
        all.add(refreshToken);
        return all;
    }

    List<Map<String, String>> forms() {
        return List.copyOf(forms);
    }

    List<LoopbackApi.Received> received() {
        return api.received();
    }

    void revokeAll() {
        live.replaceAll((token, expiry) -> Instant.EPOCH);
    }

    private void respond(HttpExchange exchange) throws Exception {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/token")) {
            tokenRequests.incrementAndGet();
            Map<String, String> form = form(LoopbackApi.body(exchange));
            forms.add(form);
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
            boolean client = basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                    || CLIENT_ID.equals(form.get("client_id")) && CLIENT_SECRET.equals(form.get("client_secret"));
            String rotated = null;
            boolean granted = switch (form.getOrDefault("grant_type", "")) {
                case "client_credentials" -> client;
                case "refresh_token" -> {
                    synchronized (this) {
                        if (!refreshToken.equals(form.get("refresh_token"))) {
                            yield false;
                        }
                        rotated = "rt-" + issued.incrementAndGet() + "-SECRET";
                        refreshToken = rotated;
                        yield true;
                    }
                }
                default -> false;
            };
            if (!granted) {
                LoopbackApi.json(exchange, 401, "{\"error\": \"invalid_client\", \"error_description\": \"bad " + form + "\"}");
                return;
            }
            String token = "at-" + java.util.UUID.randomUUID() + "-SECRET";
            live.put(token, clock.instant().plus(life));
            LoopbackApi.json(exchange, 200, "{\"access_token\": \"" + token + "\", \"token_type\": \"bearer\", \"expires_in\": "
                    + life.toMillis() / 1000.0 + (rotated == null ? "" : ", \"refresh_token\": \"" + rotated + "\"") + "}");
            return;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
        Instant expiry = live.get(token);
        if (expiry == null || !clock.instant().isBefore(expiry)) {
            unauthorized.incrementAndGet();
            LoopbackApi.json(exchange, 401, "{\"error\": \"token expired or unknown\"}");
            return;
        }
        LoopbackApi.json(exchange, 200, "{\"path\": \"" + path + "\"}");
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

    @Override
    public void close() {
        api.close();
    }
}
