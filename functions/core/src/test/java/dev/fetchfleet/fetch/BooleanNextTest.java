package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.Paginate;
import dev.fetchfleet.job.RequestSpec;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A next link or cursor that is a boolean: {@code false} is the last page, {@code true} names no page. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BooleanNextTest {

    private static final RunRef RUN = new RunRef("posts", "2026-03-01", "run-1");
    private static final FetchConfig CONFIG = new FetchConfig(2, new FetchConfig.PerHost(2, 10_000), 5, new FetchConfig.Retry(1, 1, 5));

    private final HttpClient http = Fetcher.newHttpClient(Duration.ofSeconds(2));

    @AfterEach
    void closeClient() {
        http.shutdownNow();
    }

    private List<BronzeRecord> chain(LoopbackApi api, String type) {
        Paginate paginate = new Paginate(type, "next", type.equals("cursor") ? "cursor" : null, 1, null, "limit", 100, 1000, List.of());
        RequestSpec request = new RequestSpec("chain", "GET", api.uri("/items"), Map.of(), null).withPaginate(paginate);
        return new Fetcher(http, Json.newMapper(), Clock.systemUTC()).fetchAll(RUN, List.of(request), Map.of(), CONFIG,
                Instant.now().plusSeconds(60), FetchProgress.NONE).records();
    }

    /** Without the fix a second request went out (cursor=false, or the relative URL "false") and ended the chain in an error. */
    @ParameterizedTest
    @ValueSource(strings = {"cursor", "next_url"})
    void aNextThatIsFalseIsTheLastPage(String type) throws Exception {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> LoopbackApi.json(exchange, 200, "{\"items\": [1], \"next\": false}"))) {
            List<BronzeRecord> pages = chain(api, type);

            assertEquals(1, pages.size(), pages::toString);
            assertNull(pages.getFirst().error());
            assertEquals(1, api.requestCount(), "nothing asked past the last page");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cursor", "next_url"})
    void aNextThatIsTrueEndsTheChainSayingWhy(String type) throws Exception {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> LoopbackApi.json(exchange, 200, "{\"items\": [1], \"next\": true}"))) {
            List<BronzeRecord> pages = chain(api, type);

            assertEquals(1, pages.size(), pages::toString);
            assertEquals(200, pages.getFirst().status());
            assertTrue(pages.getFirst().error().contains("is true, not a value"), pages.getFirst().error());
            assertEquals(1, api.requestCount());
        }
    }
}
