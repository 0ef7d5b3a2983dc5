package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.Auth;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A token endpoint's strange answers: a refusal or a lifetime that is already over must not turn a chunk's
 * requests into one token request each, and no answer puts the client secret or a token into a record.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StrangeTokenAnswersTest {

    private static final RunRef RUN = new RunRef("posts", "2026-03-01", "run-1");
    private static final String SECRET = "cs-77a1-SECRET";
    private static final String TOKEN = "at-5e0c-SECRET";

    private final ObjectMapper mapper = Json.newMapper();
    private final HttpClient http = Fetcher.newHttpClient(Duration.ofSeconds(2));

    @AfterEach
    void closeClient() {
        http.shutdownNow();
    }

    private static List<RequestSpec> requests(LoopbackApi api, int n) {
        return IntStream.range(0, n).mapToObj(i -> new RequestSpec("r" + i, "GET", api.uri("/items/" + i), Map.of(), null)).toList();
    }

    private static FetchConfig config(LoopbackApi api, int inFlight) {
        return new FetchConfig(inFlight, new FetchConfig.PerHost(inFlight, 10_000), 5, new FetchConfig.Retry(3, 1, 5))
                .withAuth(new Auth.OAuth2("client_credentials", api.uri("/token"), "client-1", SECRET, null, "body", null));
    }

    private static long tokenRequests(LoopbackApi api) {
        return api.received().stream().filter(r -> r.path().equals("/token")).count();
    }

    /** Without the fix every one of the 20 requests asked the refusing endpoint again: 20 token requests. */
    @Test
    void aTokenEndpointThatRefusesTheClientIsAskedOnceForAChunkNotOncePerRequest() throws Exception {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            if (exchange.getRequestURI().getPath().equals("/token")) {
                LoopbackApi.json(exchange, 401, "{\"error\": \"invalid_client\", \"error_description\": \"secret " + SECRET + " is wrong\"}");
            } else {
                LoopbackApi.json(exchange, 200, "{}");
            }
        })) {
            var report = new Fetcher(http, mapper, Clock.systemUTC()).fetchAll(RUN, requests(api, 20), config(api, 4),
                    Instant.now().plusSeconds(60));

            assertEquals(20, report.records().size(), "every request ends as a record");
            assertTrue(report.records().stream().allMatch(r -> r.status() == null
                    && r.error().contains("answered HTTP 401 (invalid_client)")), report.records()::toString);
            assertEquals(1, tokenRequests(api), "the refusal is the endpoint's answer for the chunk, not asked for again per request");
            assertEquals(0, api.received().stream().filter(r -> r.path().startsWith("/items")).count(), "no API call without a token");
            assertFalse(mapper.writeValueAsString(report.records()).contains("SECRET"), report.records()::toString);
        }
    }

    /**
     * A lifetime of zero or less says nothing usable: without the fix the token counted as run out before it
     * was used, and each of 10 requests asked for one of its own (10 token requests for 10 requests).
     */
    @ParameterizedTest
    @ValueSource(strings = {"0", "-3600", "0.0004"})
    void aTokenWhoseLifetimeIsZeroOrNegativeIsKeptUntilA401(String expiresIn) throws Exception {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            if (exchange.getRequestURI().getPath().equals("/token")) {
                LoopbackApi.json(exchange, 200, "{\"access_token\": \"" + TOKEN + "\", \"expires_in\": " + expiresIn + "}");
            } else if (("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                LoopbackApi.json(exchange, 200, "{}");
            } else {
                LoopbackApi.json(exchange, 401, "{}");
            }
        })) {
            var report = new Fetcher(http, mapper, Clock.systemUTC()).fetchAll(RUN, requests(api, 10), config(api, 1),
                    Instant.now().plusSeconds(60));

            assertTrue(report.records().stream().allMatch(r -> r.status() == 200), report.records()::toString);
            assertEquals(1, tokenRequests(api), "expires_in " + expiresIn + ": one token serves the chunk until the API refuses it");
            assertFalse(mapper.writeValueAsString(report.records()).contains("SECRET"), report.records()::toString);
        }
    }

    /**
     * A token endpoint that answers 429 with Retry-After: 1, and 429 again to anything asked inside that second.
     * Without the fix the requests asked again at once, each attempt of each: 20 requests of 3 attempts made
     * dozens of token requests inside the pause and ended as errors; now one asks after the pause, and all succeed.
     */
    @Test
    void aTokenEndpointsRetryAfterIsObeyedByEveryRequestWaitingForAToken() throws Exception {
        java.util.concurrent.atomic.AtomicLong pausedUntilNanos = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicInteger insidePause = new java.util.concurrent.atomic.AtomicInteger();
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            if (exchange.getRequestURI().getPath().equals("/token")) {
                long until = pausedUntilNanos.get();
                if (until == 0 || System.nanoTime() < until) {
                    if (until != 0) {
                        insidePause.incrementAndGet();
                    }
                    pausedUntilNanos.compareAndSet(0, System.nanoTime() + 1_000_000_000L);
                    exchange.getResponseHeaders().set("Retry-After", "1");
                    LoopbackApi.json(exchange, 429, "{\"error\": \"slow down\"}");
                } else {
                    LoopbackApi.json(exchange, 200, "{\"access_token\": \"" + TOKEN + "\", \"expires_in\": 3600}");
                }
            } else {
                LoopbackApi.json(exchange, ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization")) ? 200 : 401, "{}");
            }
        })) {
            var report = new Fetcher(http, mapper, Clock.systemUTC()).fetchAll(RUN, requests(api, 20), config(api, 4),
                    Instant.now().plusSeconds(60));

            assertEquals(0, insidePause.get(), "token requests sent inside the endpoint's Retry-After");
            assertEquals(2, tokenRequests(api), "one refused with Retry-After, one after it");
            assertTrue(report.records().stream().allMatch(r -> r.status() == 200), report.records()::toString);
            assertFalse(mapper.writeValueAsString(report.records()).contains("SECRET"), report.records()::toString);
        }
    }

    /**
     * A refusing endpoint that echoes the client secret in its OAuth2 {@code error} field (not only in the
     * description): without the fix the secret, or a 60 KB "code", went into every request's bronze error.
     */
    @ParameterizedTest
    @ValueSource(strings = {SECRET, "bad_secret_" + SECRET, "lowercase_secret_x", "long"})
    void aTokenEndpointsErrorFieldReachesARecordOnlyAsAnErrorCode(String error) throws Exception {
        String echoed = error.equals("long") ? "x".repeat(60_000) : error;
        String lowercaseSecret = "lowercase_secret_x";
        try (LoopbackApi api = LoopbackApi.start((exchange, n) ->
                LoopbackApi.json(exchange, 400, "{\"error\": \"" + echoed + "\"}"))) {
            FetchConfig config = new FetchConfig(1, new FetchConfig.PerHost(1, 10_000), 5, new FetchConfig.Retry(1, 1, 5))
                    .withAuth(new Auth.OAuth2("client_credentials", api.uri("/token"), "client-1",
                            error.equals(lowercaseSecret) ? lowercaseSecret : SECRET, null, "body", null));
            var report = new Fetcher(http, mapper, Clock.systemUTC()).fetchAll(RUN, requests(api, 1), config, Instant.now().plusSeconds(60));

            String recorded = report.records().getFirst().error();
            assertTrue(recorded.contains("answered HTTP 400 to grant client_credentials"), recorded);
            assertFalse(recorded.contains(SECRET) || recorded.contains(lowercaseSecret), recorded);
            assertTrue(recorded.length() < 500, "a short error: " + recorded.length() + " chars");
        }
    }

    /**
     * A token endpoint's Retry-After longer than the invocation has left: the requests go back unstarted, the
     * chunk delayed by what is left of the pause. Without the fix it went back with no delay, to be delivered
     * again at once and handed back again, for as long as the pause lasted.
     */
    @Test
    void aTokenEndpointsPausePastTheDeadlineHandsTheChunkBackDelayedByIt() throws Exception {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            exchange.getResponseHeaders().set("Retry-After", "120");
            LoopbackApi.json(exchange, 503, "{}");
        })) {
            var report = new Fetcher(http, mapper, Clock.systemUTC()).fetchAll(RUN, requests(api, 3), config(api, 1),
                    Instant.now().plusSeconds(20));

            assertEquals(List.of(), report.records(), report.records()::toString);
            assertEquals(3, report.unfinished().size());
            assertEquals(1, tokenRequests(api));
            assertTrue(report.retryAfter().compareTo(Duration.ofSeconds(60)) > 0 && report.retryAfter().compareTo(Duration.ofSeconds(120)) <= 0,
                    "delayed by what is left of the token endpoint's 120 s: " + report.retryAfter());
        }
    }
}
