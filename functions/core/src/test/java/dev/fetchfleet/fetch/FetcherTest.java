package dev.fetchfleet.fetch;

import static dev.fetchfleet.fetch.LoopbackApi.json;
import static dev.fetchfleet.fetch.LoopbackApi.send;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How one request ends: what is kept of the answer, what is retried and how, and what a failure says. */
class FetcherTest {

    private static final RunRef RUN = new RunRef("posts", "2026-03-01", "run-1");

    private final ObjectMapper mapper = Json.newMapper();
    private final HttpClient http = Fetcher.newHttpClient(Duration.ofSeconds(2));

    @AfterEach
    void closeClient() {
        http.shutdownNow();
    }

    /** Fast retries, generous caps: these tests are about one request, not about politeness. */
    private static FetchConfig config(int maxAttempts, int timeoutSeconds) {
        return new FetchConfig(64, new FetchConfig.PerHost(32, 1_000), timeoutSeconds, new FetchConfig.Retry(maxAttempts, 10, 100));
    }

    private static FetchConfig config(int maxAttempts) {
        return config(maxAttempts, 5);
    }

    private static RequestSpec get(String id, URI url) {
        return new RequestSpec(id, "GET", url, Map.of(), null);
    }

    private BronzeRecord fetchOne(RequestSpec request, FetchConfig config) {
        return fetchOne(new Fetcher(http, mapper, Clock.systemUTC()), request, config);
    }

    private static BronzeRecord fetchOne(Fetcher fetcher, RequestSpec request, FetchConfig config) {
        return fetchOne(fetcher, request, config, Instant.now().plusSeconds(60));
    }

    private static BronzeRecord fetchOne(Fetcher fetcher, RequestSpec request, FetchConfig config, Instant startDeadline) {
        FetchReport report = fetcher.fetchAll(RUN, List.of(request), config, startDeadline);
        assertTrue(report.complete(), () -> "unfinished: " + report.unfinished());
        assertEquals(1, report.records().size());
        return report.records().getFirst();
    }

    private static long gapMillis(LoopbackApi api) {
        List<Long> arrivals = api.arrivalNanos();
        return TimeUnit.NANOSECONDS.toMillis(arrivals.get(1) - arrivals.get(0));
    }

    // --- what is kept of an answer --------------------------------------------------------------

    @Test
    void keepsAJsonAnswerAsJsonWithWhatWasAskedAndWhen() throws IOException {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        try (LoopbackApi api = LoopbackApi.start((exchange, n) ->
                json(exchange, 200, "{\"id\": 1, \"title\": \"hello\", \"tags\": [\"a\", \"b\"]}"))) {
            URI url = api.uri("/posts/1?lang=en");
            BronzeRecord record = fetchOne(new Fetcher(http, mapper, Clock.fixed(now, ZoneOffset.UTC)), get("p1", url), config(3),
                    now.plusSeconds(3600));

            assertAll(
                    () -> assertEquals("run-1", record.runId()),
                    () -> assertEquals("posts", record.source()),
                    () -> assertEquals("p1", record.requestId()),
                    () -> assertEquals("GET", record.method()),
                    () -> assertEquals(url.toString(), record.url()),
                    () -> assertEquals(200, record.status()),
                    () -> assertEquals("json", record.bodyEncoding()),
                    () -> assertEquals(mapper.readTree("{\"id\": 1, \"title\": \"hello\", \"tags\": [\"a\", \"b\"]}"), record.body()),
                    () -> assertEquals("application/json", record.responseHeaders().get("content-type")),
                    () -> assertEquals(now, record.fetchedAt()),
                    () -> assertTrue(record.durationMs() >= 0),
                    () -> assertEquals(1, record.attempts()),
                    () -> assertNull(record.error()),
                    () -> assertEquals(0, record.page()));
            assertEquals(1, api.requestCount());
        }
    }

    @Test
    void asksAPlainHttpApiInHttp11WithoutOfferingAnH2cUpgradeOnEveryRequest() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> json(exchange, 200, "{}"))) {
            fetchOne(get("a", api.uri("/a")), config(1));
            fetchOne(get("b", api.uri("/b")), config(1));
            for (LoopbackApi.Received received : api.received()) {
                assertNull(received.header("Upgrade"), "no h2c upgrade offered on " + received.path());
                assertNull(received.header("HTTP2-Settings"), "no HTTP/2 settings sent on " + received.path());
            }
        }
    }

    @Test
    void keepsAPlainTextAnswerAsText() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> send(exchange, 200, "text/plain; charset=utf-8", "hello, wörld\n"))) {
            BronzeRecord record = fetchOne(get("t", api.uri("/readme")), config(1));
            assertEquals("text", record.bodyEncoding());
            assertEquals(TextNode.valueOf("hello, wörld\n"), record.body());
        }
    }

    @Test
    void keepsAnImageAsBase64OfItsExactBytes() throws IOException {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d, (byte) 0xff, (byte) 0xfe, 0x00, 0x7f};
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> send(exchange, 200, "image/png", png))) {
            BronzeRecord record = fetchOne(get("img", api.uri("/logo.png")), config(1));
            assertEquals("base64", record.bodyEncoding());
            assertArrayEquals(png, java.util.Base64.getDecoder().decode(record.body().asText()));
        }
    }

    @Test
    void decodesAGzipEncodedAnswer() throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write("{\"items\": [1, 2, 3]}".getBytes(StandardCharsets.UTF_8));
        }
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            send(exchange, 200, "application/json", compressed.toByteArray());
        })) {
            BronzeRecord record = fetchOne(get("gz", api.uri("/items")), config(1));
            assertEquals("json", record.bodyEncoding());
            assertEquals(mapper.readTree("{\"items\": [1, 2, 3]}"), record.body());
            assertNull(record.error());
        }
    }

    @Test
    void redactsSetCookieButKeepsOtherHeaders() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            exchange.getResponseHeaders().add("Set-Cookie", "session=s3cr3t-value; HttpOnly");
            exchange.getResponseHeaders().add("X-Request-Id", "abc-123");
            json(exchange, 200, "{}");
        })) {
            BronzeRecord record = fetchOne(get("c", api.uri("/login")), config(1));

            assertEquals(Redaction.REDACTED, record.responseHeaders().get("set-cookie"));
            assertEquals("[redacted]", record.responseHeaders().get("set-cookie"));
            assertEquals("abc-123", record.responseHeaders().get("x-request-id"));
            assertFalse(mapper.writeValueAsString(record).contains("s3cr3t"), "the cookie must not reach bronze");
        }
    }

    // --- what is sent ----------------------------------------------------------------------------

    @Test
    void sendsAJsonBodyWithItsHeaders() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> json(exchange, 201,
                "{\"echo\": \"" + exchange.getRequestHeaders().getFirst("X-Trace") + "\"}"))) {
            RequestSpec post = new RequestSpec("s", "POST", api.uri("/search"), Map.of("X-Trace", "t-1"),
                    mapper.readTree("{\"q\": \"x\"}"));

            BronzeRecord record = fetchOne(post, config(1));

            assertEquals(201, record.status());
            assertEquals("t-1", record.body().get("echo").asText());
            LoopbackApi.Received received = api.received().getFirst();
            assertEquals("POST", received.method());
            assertEquals("{\"q\":\"x\"}", received.body());
            assertEquals("application/json", received.contentType());
        }
    }

    @Test
    void sendsNoBodyWithAGetWhoseBodyIsJsonNull() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> json(exchange, 200, "{}"))) {
            // How a body-less request looks after a trip through a chunk message.
            fetchOne(new RequestSpec("g", "GET", api.uri("/posts/1"), Map.of(), NullNode.getInstance()), config(1));

            LoopbackApi.Received received = api.received().getFirst();
            assertEquals("", received.body());
            assertNull(received.contentType());
        }
    }

    // --- retries -----------------------------------------------------------------------------------

    @Test
    void takesA404AsFinal() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> json(exchange, 404, "{\"error\": \"not found\"}"))) {
            BronzeRecord record = fetchOne(get("missing", api.uri("/posts/999")), config(5));

            assertEquals(404, record.status());
            assertEquals(1, record.attempts());
            assertEquals("not found", record.body().get("error").asText());
            assertNull(record.error());
            assertEquals(1, api.requestCount());
        }
    }

    @Test
    void retriesA500AndKeepsTheAnswerThatFollows() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            if (n == 1) {
                json(exchange, 500, "{\"error\": \"boom\"}");
            } else {
                json(exchange, 200, "{\"ok\": true}");
            }
        })) {
            BronzeRecord record = fetchOne(get("p", api.uri("/posts/1")), config(5));

            assertEquals(200, record.status());
            assertEquals(2, record.attempts());
            assertTrue(record.body().get("ok").asBoolean());
            assertNull(record.error());
            assertEquals(2, api.requestCount());
        }
    }

    @Test
    void retriesA429AfterItsRetryAfterSeconds() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            if (n == 1) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                json(exchange, 429, "{\"error\": \"slow down\"}");
            } else {
                json(exchange, 200, "{}");
            }
        })) {
            BronzeRecord record = fetchOne(get("p", api.uri("/posts/1")), config(5));

            assertEquals(200, record.status());
            assertEquals(2, record.attempts());
            long gap = gapMillis(api);
            // Backoff alone would wait at most 10 ms here; Retry-After asks for a second.
            assertTrue(gap >= 900, "the server saw the retry after " + gap + " ms");
            assertTrue(gap < 10_000, "the server saw the retry after " + gap + " ms");
        }
    }

    @Test
    void retriesA429AfterItsRetryAfterDate() throws IOException {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        String oneSecondLater = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(1).atZone(ZoneOffset.UTC));
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            if (n == 1) {
                exchange.getResponseHeaders().set("Retry-After", oneSecondLater);
                send(exchange, 429, null, new byte[0]);
            } else {
                json(exchange, 200, "{}");
            }
        })) {
            Fetcher fetcher = new Fetcher(http, mapper, Clock.fixed(now, ZoneOffset.UTC));
            BronzeRecord record = fetchOne(fetcher, get("p", api.uri("/posts/1")), config(5), now.plusSeconds(3600));

            assertEquals(200, record.status());
            assertEquals(2, record.attempts());
            long gap = gapMillis(api);
            assertTrue(gap >= 900, "Retry-After: " + oneSecondLater + ", but the server saw the retry after " + gap + " ms");
            assertTrue(gap < 10_000, "the server saw the retry after " + gap + " ms");
        }
    }

    @Test
    void handsARequestBackRatherThanWaitPastTheDeadlineWithHowLongTheApiAskedToWait() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            exchange.getResponseHeaders().set("Retry-After", "30");
            json(exchange, 429, "{}");
        })) {
            long start = System.nanoTime();
            FetchReport report = new Fetcher(http, mapper, Clock.systemUTC())
                    .fetchAll(RUN, List.of(get("p", api.uri("/posts/1"))), config(5), Instant.now().plusSeconds(1));
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            // The worker's deadline leaves room for one request and writing the part, not for a 30 s wait;
            // the API only asked to wait, so that is no error: the next invocation asks again after the pause.
            assertTrue(elapsed < 10_000, "fetching took " + elapsed + " ms");
            assertEquals(1, api.requestCount());
            assertEquals(List.of(), report.records());
            assertEquals(List.of("p"), report.unfinished().stream().map(RequestSpec::id).toList());
            assertTrue(report.retryAfter().toSeconds() >= 25 && report.retryAfter().toSeconds() <= 30,
                    "what is left of the Retry-After: " + report.retryAfter());
        }
    }

    /**
     * A Retry-After beyond what SQS can delay (15 minutes), beyond a long, or a date millennia ahead: the
     * request goes back at once with a delay clamped to 15 minutes, never an overflow or an 11-day sleep.
     */
    @ParameterizedTest
    @ValueSource(strings = {"999999", "9223372036854775807", "99999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"})
    void handsARequestBackWithAClampedDelayWhateverRetryAfterTheApiAsksFor(String retryAfter) throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
            json(exchange, 503, "{}");
        })) {
            FetchReport report = new Fetcher(http, mapper, Clock.systemUTC())
                    .fetchAll(RUN, List.of(get("p", api.uri("/posts/1"))), config(5), Instant.now().plusSeconds(60));

            assertEquals(List.of(), report.records(), () -> "recorded: " + report.records());
            assertEquals(List.of("p"), report.unfinished().stream().map(RequestSpec::id).toList());
            assertEquals(1, api.requestCount());
            assertTrue(report.retryAfter().compareTo(Duration.ofMinutes(14)) > 0
                            && report.retryAfter().compareTo(Duration.ofMinutes(15)) <= 0,
                    "clamped to SQS's 15-minute delay: " + report.retryAfter());
        }
    }

    @Test
    void givesUpOnA503AfterMaxAttemptsKeepingTheLastAnswer() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> json(exchange, 503, "{\"attempt\": " + n + "}"))) {
            BronzeRecord record = fetchOne(get("p", api.uri("/posts/1")), config(4));

            assertEquals(503, record.status());
            assertEquals(4, record.attempts());
            assertEquals(4, record.body().get("attempt").asInt(), "the last answer is kept");
            assertNotNull(record.error());
            assertTrue(record.error().contains("gave up after 4 attempts"), record.error());
            assertEquals(4, api.requestCount());
        }
    }

    // --- no answer -------------------------------------------------------------------------------

    @Test
    void recordsNoStatusAndWhyWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        BronzeRecord record = fetchOne(get("p", URI.create("http://127.0.0.1:" + port + "/posts/1")), config(3));

        assertNull(record.status());
        assertEquals(3, record.attempts());
        assertNull(record.body());
        assertNotNull(record.fetchedAt());
        assertTrue(record.error().contains("no response after 3 attempts"), record.error());
        assertTrue(record.error().contains("Connect"), record.error());
    }

    @Test
    void endsAStalledRequestAsATimeout() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            Thread.sleep(5_000);
            json(exchange, 200, "{}");
        })) {
            long start = System.nanoTime();
            BronzeRecord record = fetchOne(get("slow", api.uri("/slow")), config(1, 1));
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertNull(record.status());
            assertEquals(1, record.attempts());
            assertTrue(record.error().matches("(?s).*(timed out|within 1 s).*"), record.error());
            assertTrue(elapsed < 4_500, "waited " + elapsed + " ms for a 1 s timeout");
            assertTrue(record.durationMs() >= 900, "duration " + record.durationMs() + " ms");
        }
    }

    // --- retry.retryOn500 ------------------------------------------------------------------------

    private static FetchConfig retryOn500(boolean retryOn500) {
        return new FetchConfig(64, new FetchConfig.PerHost(32, 1_000), 5, new FetchConfig.Retry(5, 10, 100, retryOn500));
    }

    @Test
    void takesA500AsFinalWhenTheJobSaysNotToRetryIt() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> json(exchange, 500, "{\"attempt\": " + n + "}"))) {
            BronzeRecord record = fetchOne(get("p", api.uri("/posts/1")), retryOn500(false));

            assertEquals(500, record.status());
            assertEquals(1, record.attempts());
            assertEquals(1, record.body().get("attempt").asInt());
            assertNull(record.error(), "a final answer is not an error");
            assertEquals(1, api.requestCount());
        }
    }

    @Test
    void retriesA500UntilMaxAttemptsByDefault() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> json(exchange, 500, "{\"attempt\": " + n + "}"))) {
            BronzeRecord record = fetchOne(get("p", api.uri("/posts/1")), retryOn500(true));

            assertEquals(500, record.status());
            assertEquals(5, record.attempts());
            assertTrue(record.error().contains("gave up after 5 attempts"), record.error());
            assertEquals(5, api.requestCount());
            assertTrue(FetchConfig.Retry.DEFAULT.retryOn500());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 502, 503, 504})
    void retriesThrottlingAndGatewayAnswersEvenWhenA500IsFinal(int status) throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> json(exchange, n == 1 ? status : 200, "{\"attempt\": " + n + "}"))) {
            BronzeRecord record = fetchOne(get("p", api.uri("/posts/1")), retryOn500(false));

            assertEquals(200, record.status());
            assertEquals(2, record.attempts());
            assertEquals(2, record.body().get("attempt").asInt());
            assertEquals(2, api.requestCount());
        }
    }

    // --- fetch.maxResponseBytes --------------------------------------------------------------------

    private static final int ONE_MIB = 1024 * 1024;

    private static FetchConfig maxResponseBytes(long max) {
        return new FetchConfig(64, new FetchConfig.PerHost(32, 1_000), Map.of(), 10, new FetchConfig.Retry(1, 10, 100),
                max, List.of(), false);
    }

    /** A JSON document of exactly {@code size} bytes: a long string. */
    private static byte[] jsonOfSize(int size) {
        byte[] json = new byte[size];
        java.util.Arrays.fill(json, (byte) 'x');
        json[0] = '"';
        json[size - 1] = '"';
        return json;
    }

    @Test
    void cutsABodyOverMaxResponseBytesAndKeepsWhatCameAsBase64() throws IOException {
        byte[] threeMib = jsonOfSize(3 * ONE_MIB);
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> send(exchange, 200, "application/json", threeMib))) {
            BronzeRecord record = fetchOne(get("big", api.uri("/dump")), maxResponseBytes(ONE_MIB));

            assertEquals(200, record.status());
            assertEquals("base64", record.bodyEncoding(), "half a JSON document is not JSON");
            byte[] kept = java.util.Base64.getDecoder().decode(record.body().asText());
            assertTrue(kept.length <= ONE_MIB, "kept " + kept.length + " bytes with a cap of " + ONE_MIB);
            assertTrue(kept.length > 0, "nothing was kept");
            assertArrayEquals(java.util.Arrays.copyOf(threeMib, kept.length), kept, "what is kept is the start of the body");
            assertNotNull(record.error());
            assertTrue(record.error().contains("truncated"), record.error());
            assertTrue(record.error().contains(Integer.toString(ONE_MIB)), record.error());
            assertEquals(1, record.attempts(), "a cut body is an answer, not a failure to retry");
            assertEquals(1, api.requestCount());
        }
    }

    /**
     * About 10 MB of gzip on the wire (under the default 10 MiB cap, so the wire cap does not save the
     * worker) that inflates to about 10 GiB: the inflated bytes count against the cap too.
     */
    @Test
    void cutsAGzipBombAtMaxResponseBytesOfInflatedBodyKeepingStatusAndHeaders() throws IOException {
        GzipBomb bomb = new GzipBomb(10_000_000);
        assertTrue(bomb.compressedBytes() < FetchConfig.DEFAULT_MAX_RESPONSE_BYTES, "the bomb must pass the wire cap");
        assertTrue(bomb.inflatedBytes() > 9L << 30, "inflates to " + bomb.inflatedBytes());
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-Request-Id", "bomb-1");
            exchange.sendResponseHeaders(200, bomb.compressedBytes());
            try (var out = new java.io.BufferedOutputStream(exchange.getResponseBody(), 64 * 1024)) {
                bomb.writeTo(out);
            }
        })) {
            FetchConfig defaults = new FetchConfig(64, new FetchConfig.PerHost(32, 1_000), 30, new FetchConfig.Retry(1, 10, 100));
            BronzeRecord record = fetchOne(get("bomb", api.uri("/bomb")), defaults);

            assertEquals(200, record.status());
            assertEquals("bomb-1", record.responseHeaders().get("x-request-id"));
            assertEquals("gzip", record.responseHeaders().get("content-encoding"));
            assertNotNull(record.error());
            assertTrue(record.error().contains("too large") && record.error().contains("fetch.maxResponseBytes"), record.error());
            assertEquals("base64", record.bodyEncoding());
            byte[] kept = java.util.Base64.getDecoder().decode(record.body().asText());
            assertEquals(FetchConfig.DEFAULT_MAX_RESPONSE_BYTES, kept.length, "the inflated body up to the cap");
            assertEquals(1, record.attempts());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {512 * 1024, ONE_MIB})
    void leavesABodyUpToMaxResponseBytesUntouched(int size) throws IOException {
        byte[] body = jsonOfSize(size);
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> send(exchange, 200, "application/json", body))) {
            BronzeRecord record = fetchOne(get("ok", api.uri("/dump")), maxResponseBytes(ONE_MIB));

            assertEquals(200, record.status());
            assertEquals("json", record.bodyEncoding());
            assertEquals(size - 2, record.body().asText().length());
            assertNull(record.error());
        }
    }

    // --- fetch.redactHeaders -------------------------------------------------------------------------

    private static FetchConfig redacting(String... names) {
        return new FetchConfig(64, new FetchConfig.PerHost(32, 1_000), Map.of(), 5, new FetchConfig.Retry(1, 10, 100),
                0, List.of(names), false);
    }

    @Test
    void redactsAResponseHeaderTheJobListsInAnyCase() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            exchange.getResponseHeaders().add("X-Session-Token", "tok-s3cr3t");
            exchange.getResponseHeaders().add("X-Request-Id", "abc-123");
            json(exchange, 200, "{}");
        })) {
            BronzeRecord record = fetchOne(get("s", api.uri("/login")), redacting("x-SESSION-token"));

            assertEquals("[redacted]", record.responseHeaders().get("x-session-token"));
            assertEquals("abc-123", record.responseHeaders().get("x-request-id"));
            assertFalse(mapper.writeValueAsString(record).contains("tok-s3cr3t"), "the token must not reach bronze");
        }
    }

    @Test
    void keepsAHeaderTheJobDoesNotList() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            exchange.getResponseHeaders().add("X-Session-Token", "tok-visible");
            json(exchange, 200, "{}");
        })) {
            BronzeRecord record = fetchOne(get("s", api.uri("/login")), redacting());

            assertEquals("tok-visible", record.responseHeaders().get("x-session-token"));
        }
    }

    @Test
    void alwaysRedactsTheUsualSensitiveHeaders() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            exchange.getResponseHeaders().add("Set-Cookie", "session=cookie-s3cr3t");
            exchange.getResponseHeaders().add("Authorization", "Bearer auth-s3cr3t");
            exchange.getResponseHeaders().add("X-Api-Key", "key-s3cr3t");
            json(exchange, 200, "{}");
        })) {
            BronzeRecord record = fetchOne(get("s", api.uri("/login")), redacting("X-Something-Else"));

            assertEquals("[redacted]", record.responseHeaders().get("set-cookie"));
            assertEquals("[redacted]", record.responseHeaders().get("authorization"));
            assertEquals("[redacted]", record.responseHeaders().get("x-api-key"));
            assertFalse(mapper.writeValueAsString(record).contains("s3cr3t"), mapper.writeValueAsString(record));
        }
    }

    // --- redirects -----------------------------------------------------------------------------------

    @Test
    void keepsARedirectAsTheAnswerWithoutFollowingIt() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            if (exchange.getRequestURI().getPath().equals("/old")) {
                exchange.getResponseHeaders().set("Location", "/new");
                send(exchange, 302, null, new byte[0]);
            } else {
                json(exchange, 200, "{\"moved\": true}");
            }
        })) {
            BronzeRecord record = fetchOne(get("r", api.uri("/old")), config(3));

            assertEquals(302, record.status());
            assertEquals("/new", record.responseHeaders().get("location"));
            assertEquals(1, record.attempts());
            assertNull(record.error());
            assertEquals(1, api.requestCount(), "the redirect was followed: " + api.received());
            assertEquals("/old", api.received().getFirst().path());
        }
    }
}
