package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestSource;
import dev.fetchfleet.job.RequestSpec;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Chains that end exactly where the list does: Stripe's has_more with the last item's id as cursor, a
 * total for page and offset lists, and tokens sent in a JSON body or a header, or read from one.
 * Jobs are parsed as a user writes them, so the parser's reading of each field is part of the test.
 */
class PaginationStopRulesTest {

    private static final RunRef RUN = new RunRef("list", "2026-03-01", "run-1");

    private final ObjectMapper mapper = Json.newMapper();
    private final HttpClient http = Fetcher.newHttpClient(Duration.ofSeconds(2));

    @AfterEach
    void closeClient() {
        http.shutdownNow();
    }

    private List<BronzeRecord> fetch(String request, String paginate) {
        Job job = new JobParser(mapper).parse(("{'source': 'list', 'requests': [" + request + "], 'paginate': " + paginate
                + ", 'fetch': {'retry': {'maxAttempts': 1}}}").replace('\'', '"'));
        List<RequestSpec> requests = ((RequestSource.Inline) job.requests()).requests();
        FetchReport report = new Fetcher(http, mapper, Clock.systemUTC()).fetchAll(RUN, requests, job.fetch(), Instant.now().plusSeconds(60));
        assertTrue(report.complete());
        return report.records();
    }

    private static List<String> ids(List<BronzeRecord> pages, String listPath) {
        List<String> ids = new ArrayList<>();
        pages.forEach(page -> dev.fetchfleet.job.DotPath.at(page.body(), listPath).forEach(item -> ids.add(item.get("id").asText())));
        return ids;
    }

    private static List<String> expected(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> String.format("it_%04d", i)).toList();
    }

    @Test
    void aStripeListOf1000AtLimit100TakesExactlyTenCalls() throws Exception {
        try (ListApi api = new ListApi(1000)) {
            List<BronzeRecord> pages = fetch("'" + api.uri("/stripe?limit=100") + "'",
                    "{'type': 'cursor', 'path': 'data.-1.id', 'param': 'starting_after', 'stop': {'path': 'has_more', 'equals': false}}");

            assertEquals(10, api.calls());
            assertEquals(10, pages.size());
            assertEquals(expected(1000), ids(pages, "data"), "every item once, in order");
            assertEquals(api.uri("/stripe?limit=100&starting_after=it_0099").toString(), pages.get(1).url());
            assertTrue(pages.stream().allMatch(p -> p.error() == null), pages.getLast()::toString);
        }
    }

    @Test
    void anOffsetListWithATotalMakesNoCallPastItsEnd() throws Exception {
        for (int total : List.of(250, 300)) {
            try (ListApi api = new ListApi(total)) {
                List<BronzeRecord> pages = fetch("'" + api.uri("/offset") + "'",
                        "{'type': 'offset', 'limit': 100, 'totalPath': 'meta.total'}");

                assertEquals(3, api.calls(), total + " items at 100 a call");
                assertEquals(expected(total), ids(pages, "items"));
            }
        }
    }

    @Test
    void aPageListWithATotalMakesNoCallPastItsEnd() throws Exception {
        try (ListApi api = new ListApi(120)) {
            List<BronzeRecord> pages = fetch("'" + api.uri("/page?per_page=50") + "'",
                    "{'type': 'page', 'start': 1, 'limit': 50, 'totalPath': 'total', 'stopWhenEmpty': 'items'}");

            assertEquals(3, api.calls());
            assertEquals(expected(120), ids(pages, "items"));
        }
    }

    @Test
    void aStopRuleEndsAChainThatStillNamesANextPage() throws Exception {
        try (ListApi api = new ListApi(1000)) {
            // The offset list would go on to its end; the stop rule on the total ends it after the first page.
            List<BronzeRecord> pages = fetch("'" + api.uri("/offset") + "'",
                    "{'type': 'offset', 'limit': 100, 'stopWhenEmpty': 'items', 'stop': {'path': 'meta.total', 'equals': 1000.0}}");

            assertEquals(1, api.calls());
            assertNull(pages.getFirst().error());
        }
    }

    @Test
    void aCursorGoesIntoTheJsonBodyOfAPostAtItsDotPathKeepingTheRest() throws Exception {
        try (ListApi api = new ListApi(95)) {
            List<BronzeRecord> pages = fetch("{'method': 'POST', 'url': '" + api.uri("/search")
                            + "', 'body': {'query': {'term': 'x'}, 'page': {'size': 20}}}",
                    "{'type': 'cursor', 'path': 'next_cursor', 'param': 'page.cursor', 'into': 'body'}");

            assertEquals(5, api.calls());
            assertEquals(expected(95), ids(pages, "results"));
            List<String> sent = api.received().stream().map(LoopbackApi.Received::body).toList();
            assertEquals("{\"query\":{\"term\":\"x\"},\"page\":{\"size\":20}}", sent.getFirst(), "the first page as written");
            assertEquals("{\"query\":{\"term\":\"x\"},\"page\":{\"size\":20,\"cursor\":\"it_0019\"}}", sent.get(1));
            assertTrue(pages.stream().allMatch(p -> p.url().equals(api.uri("/search").toString())));
        }
    }

    @Test
    void anOffsetGoesIntoTheBodyAsANumberBesideItsLimit() throws Exception {
        try (ListApi api = new ListApi(0)) {
            fetch("{'method': 'POST', 'url': '" + api.uri("/search") + "', 'body': {'query': 'x'}}",
                    "{'type': 'offset', 'param': 'paging.offset', 'limitParam': 'paging.limit', 'limit': 25, 'into': 'body', "
                            + "'stopWhenEmpty': 'results'}");

            assertEquals("{\"query\":\"x\",\"paging\":{\"offset\":0,\"limit\":25}}", api.received().getFirst().body());
        }
    }

    @Test
    void aCursorReadFromAResponseHeaderGoesBackInARequestHeader() throws Exception {
        try (ListApi api = new ListApi(35)) {
            List<BronzeRecord> pages = fetch("'" + api.uri("/headers") + "'",
                    "{'type': 'cursor', 'from': 'header', 'path': 'X-Next-Cursor', 'into': 'header', 'param': 'X-Cursor'}");

            assertEquals(4, api.calls());
            assertEquals(expected(35), ids(pages, "items"));
            assertEquals("it_0009", api.received().get(1).header("X-Cursor"));
        }
    }

    @Test
    void aBodyCursorThatComesBackEndsItsChainAsACycle() throws Exception {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> LoopbackApi.json(exchange, 200, "{\"next\": \"same\"}"))) {
            List<BronzeRecord> pages = fetch("{'method': 'POST', 'url': '" + api.uri("/s") + "', 'body': {}}",
                    "{'type': 'cursor', 'path': 'next', 'param': 'cursor', 'into': 'body'}");

            assertEquals(2, api.requestCount(), "first page, then cursor 'same' once");
            assertTrue(pages.getLast().error().contains("pagination cycle"), pages.getLast().error());
        }
    }
}
