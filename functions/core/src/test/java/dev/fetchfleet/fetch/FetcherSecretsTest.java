package dev.fetchfleet.fetch;

import static dev.fetchfleet.fetch.LoopbackApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Headers that name secrets ({@code {{secretsmanager:…}}}, {@code {{ssm:…}}}) go out with the secret's
 * value, which is read once per chunk and kept nowhere else: not in bronze, and never sent as written.
 */
class FetcherSecretsTest {

    private static final RunRef RUN = new RunRef("posts", "2026-03-01", "run-1");
    private static final String TOKEN = "tok-7f3a9c-SECRET";
    private static final String KEY = "key-51be02-SECRET";
    private static final Map<String, String> HEADERS = Map.of(
            "Authorization", "Bearer {{secretsmanager:api/token}}",
            "X-Key", "{{ssm:/api/key}}",
            "X-Plain", "plain");
    private static final FetchConfig CONFIG = new FetchConfig(64, new FetchConfig.PerHost(32, 1_000), 5,
            new FetchConfig.Retry(1, 10, 100));

    private final ObjectMapper mapper = Json.newMapper();
    private final HttpClient http = Fetcher.newHttpClient(Duration.ofSeconds(2));
    /** Every question the store was asked, as "kind:name". */
    private final List<String> asked = Collections.synchronizedList(new ArrayList<>());
    private final SecretReferences.Store store = (kind, name) -> {
        asked.add(kind + ":" + name);
        return switch (kind + ":" + name) {
            case "secretsmanager:api/token" -> TOKEN;
            case "ssm:/api/key" -> KEY;
            default -> throw new IllegalArgumentException("no such secret " + kind + ":" + name);
        };
    };

    @AfterEach
    void closeClient() {
        http.shutdownNow();
    }

    /** Answers 200 only to the resolved values, 401 to anything else, so a status says what was sent. */
    private static LoopbackApi checkingApi() throws IOException {
        return LoopbackApi.start((exchange, n) -> {
            var headers = exchange.getRequestHeaders();
            boolean resolved = ("Bearer " + TOKEN).equals(headers.getFirst("Authorization")) && KEY.equals(headers.getFirst("X-Key"));
            json(exchange, resolved ? 200 : 401, resolved ? "{\"ok\": true}" : "{\"error\": \"bad credentials\"}");
        });
    }

    private static List<RequestSpec> requests(LoopbackApi api, int n, Map<String, String> headers) {
        return IntStream.range(0, n).mapToObj(i -> new RequestSpec("r" + i, "GET", api.uri("/items/" + i), headers, null)).toList();
    }

    @Test
    void sendsTheResolvedValuesOfSecretReferences() throws IOException {
        try (LoopbackApi api = checkingApi()) {
            FetchReport report = new Fetcher(http, mapper, Clock.systemUTC(), store)
                    .fetchAll(RUN, requests(api, 3, HEADERS), CONFIG, Instant.now().plusSeconds(60));

            assertEquals(List.of(200, 200, 200), report.records().stream().map(BronzeRecord::status).toList());
            assertEquals(3, api.requestCount());
            for (LoopbackApi.Received received : api.received()) {
                assertEquals("Bearer " + TOKEN, received.header("Authorization"));
                assertEquals(KEY, received.header("X-Key"));
                assertEquals("plain", received.header("X-Plain"));
            }
        }
    }

    @Test
    void keepsResolvedValuesOutOfEveryRecord() throws IOException {
        try (LoopbackApi api = checkingApi()) {
            List<RequestSpec> requests = requests(api, 3, HEADERS);
            FetchReport report = new Fetcher(http, mapper, Clock.systemUTC(), store)
                    .fetchAll(RUN, requests, CONFIG, Instant.now().plusSeconds(60));

            String bronze = mapper.writeValueAsString(report.records());
            assertEquals(3, report.records().size());
            assertFalse(bronze.contains(TOKEN), bronze);
            assertFalse(bronze.contains(KEY), bronze);
            assertTrue(report.records().stream().allMatch(r -> Integer.valueOf(200).equals(r.status())), bronze);
            assertEquals("Bearer {{secretsmanager:api/token}}", requests.getFirst().headers().get("Authorization"),
                    "the caller's requests (handed back or redelivered) keep their references");
        }
    }

    @Test
    void asksTheStoreOncePerReferencePerChunk() throws IOException {
        try (LoopbackApi api = checkingApi()) {
            Fetcher fetcher = new Fetcher(http, mapper, Clock.systemUTC(), store);

            fetcher.fetchAll(RUN, requests(api, 10, HEADERS), CONFIG, Instant.now().plusSeconds(60));
            assertEquals(List.of("secretsmanager:api/token", "ssm:/api/key"), asked.stream().sorted().toList());

            fetcher.fetchAll(RUN, requests(api, 10, HEADERS), CONFIG, Instant.now().plusSeconds(60));
            assertEquals(4, asked.size(), "a second chunk reads them again (a rotated secret is picked up): " + asked);
            assertEquals(20, api.requestCount());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"link", "next_url", "cursor", "page", "offset"})
    void followsEveryPageOfAChainWhoseHeaderNamesASecret(String type) throws IOException {
        try (PagedApi api = PagedApi.requiring("Bearer " + TOKEN)) {
            RequestSpec request = new RequestSpec("chain", "GET", api.first(type), HEADERS, null).withPaginate(PagedApi.paginate(type));

            FetchReport report = new Fetcher(http, mapper, Clock.systemUTC(), store)
                    .fetchAll(RUN, List.of(request), CONFIG, Instant.now().plusSeconds(60));

            assertTrue(report.complete());
            assertEquals(PagedApi.records(type), report.records().size(), "every page of the chain: " + report.records());
            for (int page = 0; page < report.records().size(); page++) {
                BronzeRecord record = report.records().get(page);
                assertEquals(page, record.page());
                assertEquals(200, record.status(), "page " + page + " went out with the secret's value");
                assertNull(record.error(), record.error());
            }
            assertEquals(type + "-" + (PagedApi.PAGES - 1), report.records().get(PagedApi.PAGES - 1).body().get("items").get(0).asText());
            assertFalse(mapper.writeValueAsString(report.records()).contains(TOKEN), "the value stays out of bronze");
        }
    }

    @Test
    void sendsNothingWhenTheStoreCannotGiveASecret() throws IOException {
        SecretReferences.Store failing = (kind, name) -> {
            throw new IllegalStateException("AccessDenied reading " + kind + ":" + name);
        };
        try (LoopbackApi api = checkingApi()) {
            List<RequestSpec> requests = new ArrayList<>(requests(api, 3, Map.of("X-Plain", "no references here")));
            requests.addAll(requests(api, 1, HEADERS).stream()
                    .map(r -> new RequestSpec("with-secret", r.method(), r.url(), r.headers(), null)).toList());
            Fetcher fetcher = new Fetcher(http, mapper, Clock.systemUTC(), failing);

            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> fetcher.fetchAll(RUN, requests, CONFIG, Instant.now().plusSeconds(60)));

            assertTrue(e.getMessage().contains("AccessDenied"), e::getMessage);
            assertEquals(0, api.requestCount(), "a chunk whose secret cannot be read is retried whole, nothing sent");
        }
    }

    @Test
    void sendsNothingWithAReferenceAndNoStore() throws IOException {
        try (LoopbackApi api = checkingApi()) {
            Fetcher fetcher = new Fetcher(http, mapper, Clock.systemUTC()); // SecretReferences.NONE

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> fetcher.fetchAll(RUN, requests(api, 2, HEADERS), CONFIG, Instant.now().plusSeconds(60)));

            assertTrue(e.getMessage().contains("no secret store"), e::getMessage);
            assertEquals(0, api.requestCount(), "a reference must never be sent as written");
        }
    }

    @Test
    void sendsNothingWhenASecretHasNoValue() throws IOException {
        try (LoopbackApi api = checkingApi()) {
            Fetcher fetcher = new Fetcher(http, mapper, Clock.systemUTC(), (kind, name) -> null);

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> fetcher.fetchAll(RUN, requests(api, 2, HEADERS), CONFIG, Instant.now().plusSeconds(60)));

            assertTrue(e.getMessage().contains("has no value"), e::getMessage);
            assertEquals(0, api.requestCount());
        }
    }
}
