package dev.fetchfleet.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.job.Auth;
import dev.fetchfleet.job.FetchConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * One worker's OAuth2 access token for one auth block: asked for on first use, asked for again a little
 * before {@code expires_in} runs out and after a 401, by one request at a time while the others wait for
 * its answer (single-flight), so ten workers make ten token requests per token life, not one per request.
 * The token lives only here and in outgoing requests.
 */
final class OAuth2Tokens {

    /** A token in hand; {@code renewAt} null when the server gave no lifetime (kept until a 401). */
    record Token(String accessToken, Instant renewAt) {
        @Override
        public String toString() {
            return "Token[***, renewAt=" + renewAt + "]";
        }
    }

    /** The token endpoint refused the credentials or answered something no retry changes. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** The token endpoint asked for a pause (429 or 5xx with Retry-After): no token request before {@code wait} is over. */
    static final class Throttled extends IOException {
        private final Duration wait;

        Throttled(String message, Duration wait) {
            super(message);
            this.wait = wait;
        }

        Duration waitLeft() {
            return wait;
        }
    }

    /** Longest body a token answer may have: tokens are small, and a huge answer is not one. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final Duration MAX_EARLY = Duration.ofSeconds(60);
    /**
     * How long a refusal stands for the same credentials: a chunk's thousand requests share one answer
     * rather than each asking the refusing endpoint again; after it, a fixed secret is tried again.
     */
    static final Duration REFUSAL_HELD = Duration.ofSeconds(60);

    /** The last refusal, for the credentials that got it, until {@code until}. */
    private record Refusal(Auth.OAuth2 auth, String message, Instant until) {
        @Override
        public String toString() {
            return "Refusal[" + message + "]"; // never the credentials it holds
        }
    }

    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Destinations destinations;
    private final ReentrantLock renewing = new ReentrantLock();
    private volatile Token token;
    /** A rotated refresh token the server handed back; it replaces the configured one for this worker's life. */
    private volatile String rotatedRefreshToken;
    private Refusal refusal; // guarded by renewing
    /** When the token endpoint's Retry-After ends; null when it asked for none. Guarded by renewing. */
    private Instant pausedUntil;
    private final RetryPolicy retryAfters;

    OAuth2Tokens(HttpClient http, ObjectMapper mapper, Clock clock, Destinations destinations) {
        this.http = http;
        this.mapper = mapper;
        this.clock = clock;
        this.destinations = destinations;
        this.retryAfters = new RetryPolicy(FetchConfig.Retry.DEFAULT, clock);
    }

    /**
     * A token to send now: the cached one while it is fresh, else a new one, asked for once however many
     * requests want it at the same moment.
     *
     * @param auth the auth block with its references already resolved
     * @throws IOException when the token endpoint could not be reached or answered 429/5xx (worth retrying)
     * @throws Refused     when it refused the credentials, or its address is one the job may not reach
     */
    Token current(Auth.OAuth2 auth, FetchConfig config) throws IOException, InterruptedException {
        Token held = token;
        if (fresh(held)) {
            return held;
        }
        renewing.lockInterruptibly();
        try {
            held = token;
            if (fresh(held)) {
                return held; // another request renewed it while this one waited
            }
            if (refusal != null && refusal.auth().equals(auth) && clock.instant().isBefore(refusal.until())) {
                throw new Refused(refusal.message());
            }
            Instant now = clock.instant();
            if (pausedUntil != null && now.isBefore(pausedUntil)) {
                // Without this, each request waiting here asked again at once, each attempt of each
                // request: the endpoint's Retry-After was heard by no one.
                throw new Throttled("token endpoint " + auth.tokenUrl() + " asked for a pause until " + pausedUntil,
                        Duration.between(now, pausedUntil));
            }
            try {
                token = ask(auth, config);
            } catch (Refused refused) {
                // Without this, every request waiting here asked again and got the same refusal: one token
                // request per request of the chunk, toward an endpoint that already said no.
                refusal = new Refusal(auth, refused.getMessage(), clock.instant().plus(REFUSAL_HELD));
                throw refused;
            }
            refusal = null;
            return token;
        } finally {
            renewing.unlock();
        }
    }

    /** The API answered 401 to {@code accessToken}: it is dropped, unless a newer one already replaced it. */
    void rejected(String accessToken) {
        renewing.lock();
        try {
            Token held = token;
            if (held != null && held.accessToken().equals(accessToken)) {
                token = null;
            }
        } finally {
            renewing.unlock();
        }
    }

    private boolean fresh(Token held) {
        return held != null && (held.renewAt() == null || clock.instant().isBefore(held.renewAt()));
    }

    private Token ask(Auth.OAuth2 auth, FetchConfig config) throws IOException, InterruptedException {
        String refused = destinations.refusal(auth.tokenUrl(), config);
        if (refused != null) {
            throw new Refused("token URL " + auth.tokenUrl() + ": " + refused);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", auth.grant());
        if ("refresh_token".equals(auth.grant())) {
            form.put("refresh_token", rotatedRefreshToken != null ? rotatedRefreshToken : auth.refreshToken());
        }
        if (auth.scope() != null) {
            form.put("scope", auth.scope());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(auth.tokenUrl())
                .timeout(Duration.ofSeconds(config.timeoutSeconds()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (auth.clientId() != null) {
            if ("body".equals(auth.clientAuth())) {
                form.put("client_id", auth.clientId());
                if (auth.clientSecret() != null) {
                    form.put("client_secret", auth.clientSecret());
                }
            } else {
                // RFC 6749 2.3.1: id and secret form-encoded, then joined and base64-encoded.
                String pair = encode(auth.clientId()) + ":" + encode(auth.clientSecret() == null ? "" : auth.clientSecret());
                request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
        }
        String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        Instant asked = clock.instant(); // the lifetime counts from before the request: never later than the server's
        HttpResponse<InputStream> response = http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
        }
        int status = response.statusCode();
        JsonNode answer = null;
        try {
            answer = bytes.length > MAX_ANSWER_BYTES ? null : mapper.readTree(bytes);
        } catch (IOException e) {
            // not JSON: said below by status, never by content (it may echo a credential)
        }
        if (status == 429 || status >= 500) {
            String said = "token endpoint " + auth.tokenUrl() + " answered HTTP " + status;
            java.util.Optional<Duration> pause = retryAfters.retryAfter(response.headers().firstValue("Retry-After").orElse(null));
            if (pause.isPresent()) {
                pausedUntil = clock.instant().plus(pause.get());
                throw new Throttled(said + " with Retry-After " + pause.get().toSeconds() + " s", pause.get());
            }
            throw new IOException(said);
        }
        if (status < 200 || status >= 300) {
            // Only the OAuth2 error code: an error description may quote what was sent.
            String code = answer != null && answer.path("error").isTextual() && isErrorCode(answer.get("error").asText(), auth)
                    ? " (" + answer.get("error").asText() + ")" : "";
            throw new Refused("token endpoint " + auth.tokenUrl() + " answered HTTP " + status + code + " to grant " + auth.grant());
        }
        JsonNode access = answer == null ? null : answer.get("access_token");
        if (access == null || !access.isTextual() || access.asText().isEmpty()) {
            throw new Refused("token endpoint " + auth.tokenUrl() + " answered HTTP " + status + " without an access_token");
        }
        JsonNode rotated = answer.get("refresh_token");
        if (rotated != null && rotated.isTextual() && !rotated.asText().isEmpty()) {
            rotatedRefreshToken = rotated.asText();
        }
        JsonNode expiresIn = answer.get("expires_in");
        Instant renewAt = null;
        if (expiresIn != null && (expiresIn.isNumber() || expiresIn.isTextual() && expiresIn.asText().matches("\\d+"))) {
            Duration life = Duration.ofMillis((long) (expiresIn.asDouble() * 1000));
            if (life.isNegative() || life.isZero()) {
                // A lifetime over before it starts says nothing usable: taken as none, the token is kept
                // until a 401, rather than every request asking for a token of its own.
                return new Token(access.asText(), null);
            }
            // Renewed a tenth of its life early (at most a minute): a request sent just before then still
            // arrives while the token holds.
            Duration early = life.dividedBy(10).compareTo(MAX_EARLY) > 0 ? MAX_EARLY : life.dividedBy(10);
            renewAt = asked.plus(life).minus(early);
        }
        return new Token(access.asText(), renewAt);
    }

    /**
     * Whether the endpoint's {@code error} reads as an OAuth2 error code (RFC 6749 5.2: invalid_client and the
     * like) and holds no credential: the field is the server's to fill, and without this check one that echoed
     * the client secret or refresh token there put it into every refused request's bronze record.
     */
    private static boolean isErrorCode(String error, Auth.OAuth2 auth) {
        if (!error.matches("[a-z][a-z0-9_]{0,63}")) {
            return false;
        }
        for (String secret : new String[] {auth.clientSecret(), auth.refreshToken()}) {
            if (secret != null && !secret.isEmpty() && error.contains(secret)) {
                return false;
            }
        }
        return true;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
