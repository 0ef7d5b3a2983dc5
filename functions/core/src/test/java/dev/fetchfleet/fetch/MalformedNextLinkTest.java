package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A page whose next link cannot be followed (not a URL, a Link header that does not parse, a cursor or
 * list of the wrong shape) ends its chain in its own record, its answer kept; the pages before it stay,
 * and the checkpoint hears of it as the chain's last page. So does any other error on a page.
 */
class MalformedNextLinkTest {

    private static final RunRef RUN = new RunRef("pages", "2026-11-30", "run-1");
    private static final FetchConfig CONFIG = new FetchConfig(16, new FetchConfig.PerHost(8, 1_000), 5,
            new FetchConfig.Retry(1, 10, 100));
    private static final int BAD_PAGE = 2;

    private final HttpClient http = Fetcher.newHttpClient(Duration.ofSeconds(2));
    /** What the checkpoint would have heard: "page -> next" for every record, in order. */
    private final List<String> told = Collections.synchronizedList(new ArrayList<>());
    private final FetchProgress progress = (record, next) -> told.add(record.page() + " -> " + next);

    @AfterEach
    void closeClient() {
        http.shutdownNow();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "link,       space,      is not a valid URL",
            "link,       unparsable, Link header does not parse",
            "next_url,   space,      is not a valid URL",
            "next_url,   bracket,    is not a valid URL",
            "cursor,     object,     is an object, not a value",
            "page,       notalist,   is not a list",
            "offset,     notalist,   is not a list"})
    void aMalformedNextLinkEndsTheChainOnThePageThatCarriedItKeepingEveryPage(String type, String bad, String why) throws IOException {
        try (PagedApi api = PagedApi.withBadLinkAt(BAD_PAGE, bad)) {
            RequestSpec request = new RequestSpec("chain", "GET", api.first(type), Map.of(), null).withPaginate(PagedApi.paginate(type));

            FetchReport report = new Fetcher(http, Json.newMapper(), Clock.systemUTC())
                    .fetchAll(RUN, List.of(request), Map.of(), CONFIG, Instant.now().plusSeconds(60), progress);

            assertTrue(report.complete(), "the chain ended; nothing to hand back");
            List<BronzeRecord> pages = report.records();
            assertEquals(BAD_PAGE + 1, pages.size(), "the pages before the bad link and the page that carried it: " + pages);
            for (int page = 0; page <= BAD_PAGE; page++) {
                BronzeRecord record = pages.get(page);
                assertEquals(page, record.page());
                assertEquals(200, record.status(), "page " + page + " keeps its answer");
                assertEquals(type + "-" + page, textOf(record), "page " + page + " keeps its body");
            }
            assertNull(pages.get(0).error());
            String error = pages.get(BAD_PAGE).error();
            assertNotNull(error, "the page says why its chain ended");
            assertTrue(error.contains(why) && error.contains("next page not fetched"), error);
            assertEquals(BAD_PAGE + 1, api.loopback().requestCount(), "nothing asked past the bad link");
            assertEquals(BAD_PAGE + " -> null", told.getLast(), "the checkpoint hears the page as the chain's last: " + told);
            assertEquals(BAD_PAGE + 1, told.size());
        }
    }

    @Test
    void aRequestThatCannotBeSentEndsInItsOwnRecordAndTheCheckpointHearsOfIt() throws IOException {
        try (PagedApi api = PagedApi.start()) {
            // The JDK's HTTP client refuses to send a Connection header: an error no retry changes.
            RequestSpec refused = new RequestSpec("refused", "GET", api.first("link"), Map.of("Connection", "close"), null)
                    .withPaginate(PagedApi.paginate("link"));
            RequestSpec fine = new RequestSpec("fine", "GET", api.first("next_url"), Map.of(), null)
                    .withPaginate(PagedApi.paginate("next_url"));

            FetchReport report = new Fetcher(http, Json.newMapper(), Clock.systemUTC())
                    .fetchAll(RUN, List.of(refused, fine), Map.of(), CONFIG, Instant.now().plusSeconds(60), progress);

            assertTrue(report.complete());
            BronzeRecord record = report.records().getFirst();
            assertEquals("refused", record.requestId());
            assertNull(record.status());
            assertTrue(record.error().contains("Connection"), record.error());
            assertEquals(1 + PagedApi.PAGES, report.records().size(), "the other chain is untouched: " + report.records());
            assertTrue(told.contains("0 -> null"), "the checkpoint heard the failed page: " + told);
        }
    }

    private static String textOf(BronzeRecord record) {
        var items = record.body().get("items");
        return items.isArray() ? items.get(0).asText() : items.asText().replace(" (not a list)", "");
    }
}
