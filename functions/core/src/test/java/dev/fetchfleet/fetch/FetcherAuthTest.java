package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.Auth;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code auth} block on the wire: each kind sends its credential, read from secret references in the
 * worker, and no credential reaches a record; OAuth2 tokens are cached per worker, renewed before they
 * run out and once on a 401 (not spending an attempt), one renewal however many requests wait for it.
 */
class FetcherAuthTest {

    private static final RunRef RUN = new RunRef("posts", "2026-03-01", "run-1");
    private static final FetchConfig CONFIG = new FetchConfig(64, new FetchConfig.PerHost(64, 10_000), 5,
            new FetchConfig.Retry(1, 10, 100));
    private static final String API_KEY = "key-93ac1e-SECRET";
    private static final String PASSWORD = "pw-2f81-SECRET";

    private final ObjectMapper mapper = Json.newMapper();
    private final HttpClient http = Fetcher.newHttpClient(Duration.ofSeconds(2));
    private final SecretReferences.Store store = (kind, name) -> switch (kind + ":" + name) {
        case "ssm:/api/key" -> API_KEY;
        case "secretsmanager:api/password" -> PASSWORD;
        case "ssm:/oauth/id" -> TokenServer.CLIENT_ID;
        case "secretsmanager:oauth/secret" -> TokenServer.CLIENT_SECRET;
        case "secretsmanager:oauth/refresh" -> TokenServer.FIRST_REFRESH_TOKEN;
        default -> throw new IllegalArgumentException("no such secret " + kind + ":" + name);
    };

    @AfterEach
    void closeClient() {
        http.shutdownNow();
    }

    private static List<RequestSpec> requests(java.util.function.IntFunction<URI> url, int n) {
        return IntStream.range(0, n).mapToObj(i -> new RequestSpec("r" + i, "GET", url.apply(i), Map.of(), null)).toList();
    }

    private static Auth.OAuth2 clientCredentials(TokenServer server, String clientAuth) {
        return new Auth.OAuth2("client_credentials", server.tokenUrl(), "{{ssm:/oauth/id}}", "{{secretsmanager:oauth/secret}}",
                "read", clientAuth, null);
    }

    private static void assertNothingSecretIn(String output, Iterable<String> secrets) {
        for (String secret : secrets) {
            assertFalse(output.contains(secret), "output holds " + secret + ": " + output);
        }
    }

    @Test
    void sendsBasicCredentialsReadFromSecretReferencesAndRecordsNone() throws Exception {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> LoopbackApi.json(exchange, 200, "{}"))) {
            FetchConfig config = CONFIG.withAuth(new Auth.Basic("reader", "{{secretsmanager:api/password}}"));

            var report = new Fetcher(http, mapper, Clock.systemUTC(), store).fetchAll(RUN, requests(i -> api.uri("/b/" + i), 2),
                    config, Instant.now().plusSeconds(60));

            String expected = "Basic " + Base64.getEncoder().encodeToString(("reader:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertTrue(api.received().stream().allMatch(r -> expected.equals(r.header("Authorization"))), api.received()::toString);
            assertNothingSecretIn(mapper.writeValueAsString(report.records()), List.of(PASSWORD, expected.substring(6)));
        }
    }

    @Test
    void sendsAnApiKeyInTheQueryAndRedactsItInTheRecordedUrl() throws Exception {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> LoopbackApi.json(exchange,
                exchange.getRequestURI().getRawQuery().contains("api_key=" + API_KEY) ? 200 : 403, "{}"))) {
            FetchConfig config = CONFIG.withAuth(new Auth.ApiKey("api_key", "query", "{{ssm:/api/key}}"));

            var report = new Fetcher(http, mapper, Clock.systemUTC(), store).fetchAll(RUN, requests(i -> api.uri("/k?n=" + i), 3),
                    config, Instant.now().plusSeconds(60));

            assertEquals(List.of(200, 200, 200), report.records().stream().map(BronzeRecord::status).toList());
            assertEquals(api.uri("/k?n=0&api_key=%5Bredacted%5D").toString(), report.records().getFirst().url());
            assertNothingSecretIn(mapper.writeValueAsString(report.records()), List.of(API_KEY));
        }
    }

    @Test
    void aQueryKeyEchoedIntoANextLinkStaysOutOfTheChainAndItsCheckpoint() throws Exception {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            String query = exchange.getRequestURI().getRawQuery();
            boolean keyed = query.contains("api_key=" + API_KEY) && !query.contains("api_key=%5B");
            LoopbackApi.json(exchange, keyed ? 200 : 403, query.contains("page=2") ? "{\"next\": null}"
                    : "{\"next\": \"/list?page=2&api_key=" + API_KEY + "\"}");
        })) {
            FetchConfig config = CONFIG.withAuth(new Auth.ApiKey("api_key", "query", "{{ssm:/api/key}}"));
            RequestSpec chain = new RequestSpec("c", "GET", api.uri("/list?page=1"), Map.of(), null)
                    .withPaginate(new dev.fetchfleet.job.Paginate("next_url", "next", null, 1, null, "limit", 100, 10, List.of()));
            List<String> checkpointed = new java.util.ArrayList<>();

            var report = new Fetcher(http, mapper, Clock.systemUTC(), store).fetchAll(RUN, List.of(chain), Map.of(), config,
                    Instant.now().plusSeconds(60), (record, next) -> checkpointed.add(String.valueOf(next)));

            assertEquals(List.of(200, 200), report.records().stream().map(BronzeRecord::status).toList());
            // (The body keeps what the API wrote, the echoed key included: bronze holds answers as they came.)
            assertNothingSecretIn(report.records().stream().map(BronzeRecord::url).toList() + " " + checkpointed, List.of(API_KEY));
            assertEquals(api.uri("/list?page=2").toString(), checkpointed.getFirst());
        }
    }

    @Test
    void sendsAnApiKeyInAHeaderOverAHeaderOfTheSameName() throws Exception {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> LoopbackApi.json(exchange, 200, "{}"))) {
            FetchConfig config = CONFIG.withAuth(new Auth.ApiKey("X-Api-Key", "header", "{{ssm:/api/key}}"));
            RequestSpec request = new RequestSpec("r", "GET", api.uri("/h"), Map.of("x-api-key", "stale"), null);

            new Fetcher(http, mapper, Clock.systemUTC(), store).fetchAll(RUN, List.of(request), config, Instant.now().plusSeconds(60));

            assertEquals(List.of(API_KEY), api.received().getFirst().headers().get("X-Api-Key"));
        }
    }

    @Test
    void oneClientCredentialsTokenServesEveryRequestWhileItLives() throws Exception {
        for (String clientAuth : List.of("basic", "body")) {
            try (TokenServer server = TokenServer.start(Duration.ofHours(1))) {
                Fetcher worker = new Fetcher(http, mapper, Clock.systemUTC(), store);
                FetchConfig config = CONFIG.withAuth(clientCredentials(server, clientAuth));

                var first = worker.fetchAll(RUN, requests(server::item, 20), config, Instant.now().plusSeconds(60));
                var second = worker.fetchAll(RUN, requests(server::item, 20), config, Instant.now().plusSeconds(60));

                assertTrue(first.records().stream().allMatch(r -> r.status() == 200), clientAuth + ": " + first.records());
                assertTrue(second.records().stream().allMatch(r -> r.status() == 200), clientAuth + ": " + second.records());
                assertEquals(1, server.tokenRequests(), clientAuth + ": one token for 40 requests over two chunks");
                assertEquals("read", server.forms().getFirst().get("scope"));
                assertEquals(clientAuth.equals("body"), server.forms().getFirst().containsKey("client_secret"), clientAuth);
                List<String> outputs = List.of(mapper.writeValueAsString(first.records()), mapper.writeValueAsString(second.records()),
                        config.toString());
                outputs.forEach(output -> assertNothingSecretIn(output, server.issuedSecrets()));
                outputs.forEach(output -> assertNothingSecretIn(output, List.of(TokenServer.CLIENT_SECRET)));
            }
        }
    }

    @Test
    void concurrentRequestsWaitForOneTokenRequest() throws Exception {
        try (TokenServer server = TokenServer.slow(Duration.ofHours(1), 300)) {
            var report = new Fetcher(http, mapper, Clock.systemUTC(), store).fetchAll(RUN, requests(server::item, 50),
                    CONFIG.withAuth(clientCredentials(server, "basic")), Instant.now().plusSeconds(60));

            assertTrue(report.records().stream().allMatch(r -> r.status() == 200), report.records()::toString);
            assertEquals(1, server.tokenRequests(), "50 requests in flight, one token request");
        }
    }

    @Test
    void renewsATokenBeforeItsLifeRunsOut() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
        try (TokenServer server = TokenServer.withClock(Duration.ofSeconds(100), clock)) {
            Fetcher worker = new Fetcher(http, mapper, clock, store);
            FetchConfig config = CONFIG.withAuth(clientCredentials(server, "basic"));
            Instant deadline = Instant.parse("2026-03-02T00:00:00Z");

            worker.fetchAll(RUN, requests(server::item, 3), config, deadline);
            clock.advance(Duration.ofSeconds(85));
            worker.fetchAll(RUN, requests(server::item, 3), config, deadline);
            assertEquals(1, server.tokenRequests(), "85 s into a 100 s token it is still used");
            clock.advance(Duration.ofSeconds(6));
            var late = worker.fetchAll(RUN, requests(server::item, 3), config, deadline);

            assertEquals(2, server.tokenRequests(), "91 s in, within its last tenth, it is renewed before use");
            assertEquals(0, server.unauthorized(), "no request went out with a token about to expire");
            assertTrue(late.records().stream().allMatch(r -> r.status() == 200));
        }
    }

    @Test
    void aRevokedTokenIsRenewedOnceOnItsFirst401WithoutSpendingAnAttempt() throws Exception {
        try (TokenServer server = TokenServer.start(Duration.ofHours(1))) {
            Fetcher worker = new Fetcher(http, mapper, Clock.systemUTC(), store);
            FetchConfig config = CONFIG.withAuth(clientCredentials(server, "basic")); // maxAttempts 1
            worker.fetchAll(RUN, requests(server::item, 1), config, Instant.now().plusSeconds(60));
            server.revokeAll();

            var report = worker.fetchAll(RUN, requests(server::item, 10), config, Instant.now().plusSeconds(60));

            assertTrue(report.records().stream().allMatch(r -> r.status() == 200 && r.attempts() == 1), report.records()::toString);
            assertEquals(2, server.tokenRequests(), "the ten 401s share one renewal");
        }
    }

    @Test
    void aSecond401AfterRenewalIsTheApisAnswer() throws Exception {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            if (exchange.getRequestURI().getPath().equals("/token")) {
                LoopbackApi.json(exchange, 200, "{\"access_token\": \"t" + n + "-SECRET\", \"expires_in\": 3600}");
            } else {
                LoopbackApi.json(exchange, 401, "{}");
            }
        })) {
            Auth.OAuth2 auth = new Auth.OAuth2("client_credentials", api.uri("/token"), "id", "secret", null, "basic", null);

            var report = new Fetcher(http, mapper, Clock.systemUTC(), store).fetchAll(RUN, requests(i -> api.uri("/x"), 1),
                    CONFIG.withAuth(auth), Instant.now().plusSeconds(60));

            assertEquals(401, report.records().getFirst().status());
            assertEquals(4, api.requestCount(), "token, 401, token again, 401: renewed once, not in a loop");
        }
    }

    @Test
    void aRefreshTokenGrantUsesTheRotatedRefreshTokenNextTime() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
        try (TokenServer server = TokenServer.withClock(Duration.ofSeconds(60), clock)) {
            Fetcher worker = new Fetcher(http, mapper, clock, store);
            FetchConfig config = CONFIG.withAuth(new Auth.OAuth2("refresh_token", server.tokenUrl(), "{{ssm:/oauth/id}}",
                    "{{secretsmanager:oauth/secret}}", null, "body", "{{secretsmanager:oauth/refresh}}"));
            Instant deadline = Instant.parse("2026-03-02T00:00:00Z");

            var first = worker.fetchAll(RUN, requests(server::item, 5), config, deadline);
            clock.advance(Duration.ofSeconds(59));
            var second = worker.fetchAll(RUN, requests(server::item, 5), config, deadline);

            assertTrue(first.records().stream().allMatch(r -> r.status() == 200), first.records()::toString);
            assertTrue(second.records().stream().allMatch(r -> r.status() == 200), second.records()::toString);
            assertEquals(List.of(TokenServer.FIRST_REFRESH_TOKEN, "rt-1-SECRET"),
                    server.forms().stream().map(f -> f.get("refresh_token")).toList(), "the second grant used the rotated token");
            assertNothingSecretIn(mapper.writeValueAsString(first.records()) + mapper.writeValueAsString(second.records()),
                    server.issuedSecrets());
        }
    }

    @Test
    void aTokenEndpointThatRefusesTheClientEndsTheRequestSayingSoWithoutItsBody() throws Exception {
        try (TokenServer server = TokenServer.start(Duration.ofHours(1))) {
            Auth.OAuth2 wrong = new Auth.OAuth2("client_credentials", server.tokenUrl(), "{{ssm:/oauth/id}}", "wrong-SECRET",
                    null, "body", null);

            var report = new Fetcher(http, mapper, Clock.systemUTC(), store).fetchAll(RUN, requests(server::item, 1),
                    CONFIG.withAuth(wrong), Instant.now().plusSeconds(60));

            BronzeRecord record = report.records().getFirst();
            assertNull(record.status());
            assertTrue(record.error().contains("token endpoint " + server.tokenUrl() + " answered HTTP 401 (invalid_client)"), record.error());
            assertFalse(mapper.writeValueAsString(record).contains("SECRET"), record::toString);
            assertEquals(0, server.received().stream().filter(r -> r.path().startsWith("/items")).count(), "no API call without a token");
        }
    }

    /** A clock a test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
