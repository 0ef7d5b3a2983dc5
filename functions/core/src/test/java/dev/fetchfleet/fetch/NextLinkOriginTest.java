package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.Auth;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.Paginate;
import dev.fetchfleet.job.RequestSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A next link keeps the chain on the origin it started on: every page carries the job's credentials, so
 * an answer naming another port of the same host, or plain http after https, is refused unless the job's
 * allowHosts names the host.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NextLinkOriginTest {

    private static final RunRef RUN = new RunRef("posts", "2026-03-01", "run-1");
    private static final String TOKEN = "tok-61f0-SECRET";
    private static final FetchConfig CONFIG = new FetchConfig(4, new FetchConfig.PerHost(4, 10_000), 5, new FetchConfig.Retry(1, 1, 5))
            .withAuth(new Auth.Bearer(TOKEN));

    private final HttpClient http = Fetcher.newHttpClient(Duration.ofSeconds(2));

    @AfterEach
    void closeClient() {
        http.shutdownNow();
    }

    private static Paginate nextUrl(List<String> allowHosts) {
        return new Paginate("next_url", "next", null, 1, null, "limit", 100, 1000, allowHosts);
    }

    private List<BronzeRecord> chain(LoopbackApi first, List<String> allowHosts) {
        RequestSpec request = new RequestSpec("chain", "GET", first.uri("/items"), Map.of(), null).withPaginate(nextUrl(allowHosts));
        return new Fetcher(http, Json.newMapper(), Clock.systemUTC()).fetchAll(RUN, List.of(request), Map.of(), CONFIG,
                Instant.now().plusSeconds(60), FetchProgress.NONE).records();
    }

    /** Without the fix the other port's server got page 1 with the job's bearer token. */
    @Test
    void aNextLinkToAnotherPortOfTheSameHostIsRefusedAndGetsNoCredentials() throws Exception {
        try (LoopbackApi other = LoopbackApi.start((exchange, n) -> LoopbackApi.json(exchange, 200, "{\"items\": []}"));
             LoopbackApi api = LoopbackApi.start((exchange, n) ->
                     LoopbackApi.json(exchange, 200, "{\"next\": \"" + other.uri("/items?page=2") + "\"}"))) {
            List<BronzeRecord> pages = chain(api, List.of());

            assertEquals(1, pages.size(), pages::toString);
            assertEquals(200, pages.getFirst().status());
            assertTrue(pages.getFirst().error().contains("another port of the host refused"), pages.getFirst().error());
            assertEquals(0, other.requestCount(), "the other port's server got nothing, so no token");
        }
    }

    @Test
    void aNextLinkToAnotherPortIsFollowedWhenAllowHostsNamesTheHost() throws Exception {
        try (LoopbackApi other = LoopbackApi.start((exchange, n) -> LoopbackApi.json(exchange, 200, "{\"items\": []}"));
             LoopbackApi api = LoopbackApi.start((exchange, n) ->
                     LoopbackApi.json(exchange, 200, "{\"next\": \"" + other.uri("/items?page=2") + "\"}"))) {
            List<BronzeRecord> pages = chain(api, List.of("127.0.0.1"));

            assertEquals(2, pages.size(), pages::toString);
            assertNull(pages.getLast().error());
            assertEquals(1, other.requestCount());
        }
    }

    /** Checked on the validator alone: nothing is sent. Without the fix the downgrade was followed (null). */
    @Test
    void aNextLinkFromHttpsToPlainHttpIsRefusedUnlessAllowHostsNamesTheHost() {
        RequestSpec first = new RequestSpec("r1", "GET", URI.create("https://api.example.com/items"), Map.of(), null);
        for (String next : List.of("http://api.example.com/items?page=2", "http://api.example.com:443/items?page=2")) {
            String refusal = NextLinks.refusal(nextUrl(List.of()), first, URI.create(next), 0, Set.of(), false);
            assertTrue(refusal != null && refusal.contains("from https to plain http refused"), next + ": " + refusal);
        }
        assertNull(NextLinks.refusal(nextUrl(List.of("api.example.com")), first, URI.create("http://api.example.com/items?page=2"),
                0, Set.of(), false), "a job that lists the host in allowHosts accepts it");
        assertNull(NextLinks.refusal(nextUrl(List.of()), first, URI.create("https://api.example.com:443/items?page=2"), 0, Set.of(), false),
                "the default port written out is the same origin");
    }

    /** Checked on the validator alone: an API called on http that links its next page on https is followed. */
    @Test
    void aNextLinkFromHttpToHttpsOfTheSameHostIsAnUpgradeNotAnotherPort() {
        RequestSpec first = new RequestSpec("r1", "GET", URI.create("http://api.example.com/items"), Map.of(), null);
        for (String next : List.of("https://api.example.com/items?page=2", "https://api.example.com:443/items?page=2")) {
            assertNull(NextLinks.refusal(nextUrl(List.of()), first, URI.create(next), 0, Set.of(), false), next);
        }
        String refusal = NextLinks.refusal(nextUrl(List.of()), first, URI.create("http://api.example.com:8080/items?page=2"), 0, Set.of(), false);
        assertTrue(refusal != null && refusal.contains("another port"), "the same scheme on another port still is: " + refusal);
    }
}
