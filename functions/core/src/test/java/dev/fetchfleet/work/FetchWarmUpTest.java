package dev.fetchfleet.work;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fetchfleet.Json;
import dev.fetchfleet.fetch.Fetcher;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The warm-up runs the whole per-page path: every page of its chains fetched, followed and spilled. */
class FetchWarmUpTest {

    @Test
    void fetchesAndSpillsEveryPageOfItsChains() {
        assertEquals(FetchWarmUp.CHAINS * FetchWarmUp.PAGES, FetchWarmUp.run(Json.newMapper(), Fetcher.newHttpClient(Duration.ofSeconds(5))));
    }
}
