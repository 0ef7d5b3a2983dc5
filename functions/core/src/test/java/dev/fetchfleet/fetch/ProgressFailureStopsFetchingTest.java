package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Once a record cannot be told (its chunk's checkpoint cannot be written), the chunk is handed back whatever
 * its other requests answer: the fetcher asks the API for nothing more, as every answer from then on would
 * be thrown away and asked for again on redelivery.
 */
class ProgressFailureStopsFetchingTest {

    private static final RunRef RUN = new RunRef("flat", "2026-11-30", "run");
    private final HttpClient http = Fetcher.newHttpClient(Duration.ofSeconds(5));

    @AfterEach
    void closeClient() {
        http.shutdownNow();
    }

    @Test
    @Timeout(120)
    void noRequestStartsOnceARecordCouldNotBeTold() throws Exception {
        int requests = 100;
        int maxInFlight = 2;
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            LoopbackApi.busy(exchange, 20);
            LoopbackApi.json(exchange, 200, "{}");
        })) {
            List<RequestSpec> flat = IntStream.range(0, requests)
                    .mapToObj(i -> new RequestSpec("r" + i, "GET", api.uri("/items/" + i), Map.of(), null)).toList();
            FetchConfig config = new FetchConfig(maxInFlight, new FetchConfig.PerHost(maxInFlight, 10_000), 10,
                    new FetchConfig.Retry(1, 10, 100));

            IllegalStateException failed = assertThrows(IllegalStateException.class, () ->
                    new Fetcher(http, Json.newMapper(), Clock.systemUTC()).fetchAll(RUN, flat, Map.of(), config,
                            Instant.now().plusSeconds(60), (record, next) -> {
                                throw new IllegalStateException("checkpoint could not be written: 503 Slow Down");
                            }));

            assertEquals("checkpoint could not be written: 503 Slow Down", failed.getMessage());
            // What was in flight when the first record could not be told, and what had already won its place
            // at the host then: a handful, where a fetcher that went on asked for all 100 and threw them away.
            assertTrue(api.requestCount() <= 2 * maxInFlight + 1,
                    "the API was asked " + api.requestCount() + " times after the chunk was doomed by its first record");
        }
    }
}
