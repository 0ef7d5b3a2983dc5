package dev.fetchfleet.fetch;

import static dev.fetchfleet.fetch.LoopbackApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import dev.fetchfleet.ManualTicker;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A chunk as a whole: the caps hold as the server sees them, the deadline is kept, the order is the request order. */
class FetcherLimitsTest {

    private static final RunRef RUN = new RunRef("posts", "2026-03-01", "run-1");
    private static final FetchConfig.Retry FAST_RETRY = new FetchConfig.Retry(3, 10, 100);
    /** A rate cap high enough never to be the limit that a test measures. */
    private static final double NO_RATE_CAP = 10_000;

    private final HttpClient http = Fetcher.newHttpClient(Duration.ofSeconds(2));
    private final Fetcher fetcher = new Fetcher(http, Json.newMapper(), Clock.systemUTC());

    @AfterEach
    void closeClient() {
        http.shutdownNow();
    }

    private static List<RequestSpec> requests(LoopbackApi api, String prefix, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> new RequestSpec(prefix + i, "GET", api.uri("/items/" + i), Map.of(), null))
                .toList();
    }

    private static Instant inAMinute() {
        return Instant.now().plusSeconds(60);
    }

    private static void assertAllAnswered(FetchReport report, int expected) {
        assertTrue(report.complete(), () -> "unfinished: " + report.unfinished());
        assertEquals(expected, report.records().size());
        assertTrue(report.records().stream().allMatch(r -> Integer.valueOf(200).equals(r.status())),
                () -> report.records().stream().map(BronzeRecord::error).filter(e -> e != null).toList().toString());
    }

    @Test
    void holdsEachHostToItsMaxConcurrency() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            LoopbackApi.busy(exchange, 100);
            json(exchange, 200, "{}");
        })) {
            FetchConfig config = new FetchConfig(256, new FetchConfig.PerHost(5, NO_RATE_CAP), 10, FAST_RETRY);

            FetchReport report = fetcher.fetchAll(RUN, requests(api, "r", 40), config, inAMinute());

            assertAllAnswered(report, 40);
            assertEquals(40, api.requestCount());
            assertTrue(api.peakConcurrency() <= 5, "peak " + api.peakConcurrency() + " with a cap of 5");
            assertTrue(api.peakConcurrency() >= 3, "peak " + api.peakConcurrency() + ": the cap was not used");
        }
    }

    @Test
    void capsEachHostSeparately() throws IOException {
        LoopbackApi.Gauge both = new LoopbackApi.Gauge();
        try (LoopbackApi first = LoopbackApi.start((exchange, n) -> {
                 LoopbackApi.busy(exchange, 100);
                 json(exchange, 200, "{}");
             }, both);
             LoopbackApi second = LoopbackApi.start((exchange, n) -> {
                 LoopbackApi.busy(exchange, 100);
                 json(exchange, 200, "{}");
             }, both)) {
            FetchConfig config = new FetchConfig(256, new FetchConfig.PerHost(3, NO_RATE_CAP), 10, FAST_RETRY);
            List<RequestSpec> requests = Stream.concat(requests(first, "a", 12).stream(), requests(second, "b", 12).stream()).toList();

            assertAllAnswered(fetcher.fetchAll(RUN, requests, config, inAMinute()), 24);

            assertTrue(first.peakConcurrency() <= 3, "first host peak " + first.peakConcurrency());
            assertTrue(second.peakConcurrency() <= 3, "second host peak " + second.peakConcurrency());
            assertTrue(both.peak() >= 4, "peak across both hosts " + both.peak() + ": one host's cap held back the other");
        }
    }

    @Test
    void holdsEachHostToItsRequestsPerSecond() throws IOException {
        // On a ticker whose time moves only by the limiter's own waits, and one request at a time so that
        // no other request's wait moves it between a start and its arrival: what the server sees is the
        // limiter's spacing exactly, not this machine's scheduling (real time once made 11 of 25 look
        // less than a second apart under load).
        ManualTicker ticker = new ManualTicker();
        Fetcher paced = new Fetcher(http, Json.newMapper(), Clock.systemUTC(), ticker, SecretReferences.NONE, Destinations.LOCAL);
        List<Long> starts = java.util.Collections.synchronizedList(new ArrayList<>());
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            starts.add(ticker.nanoTime());
            json(exchange, 200, "{}");
        })) {
            FetchConfig config = new FetchConfig(256, new FetchConfig.PerHost(1, 10), 10, FAST_RETRY);

            FetchReport report = paced.fetchAll(RUN, requests(api, "r", 25), config, inAMinute());

            assertAllAnswered(report, 25);
            assertEquals(25, starts.size());
            // Starts i and i+10 in under a second would be 11 starts in one second.
            long tightest = Long.MAX_VALUE;
            for (int i = 0; i + 10 < starts.size(); i++) {
                tightest = Math.min(tightest, starts.get(i + 10) - starts.get(i));
            }
            long tightestMillis = TimeUnit.NANOSECONDS.toMillis(tightest);
            assertTrue(tightest >= TimeUnit.SECONDS.toNanos(1),
                    "11 starts within " + tightestMillis + " ms at a cap of 10 per second; starts (ms): " + relativeMillis(starts));
            assertEquals(24 * 105, TimeUnit.NANOSECONDS.toMillis(starts.getLast() - starts.getFirst()),
                    "no slower either: 24 gaps of 1/10 s, 5% wider; starts (ms): " + relativeMillis(starts));
        }
    }

    /**
     * Opens the client's connection to the API and loads the client's classes through another worker's
     * fetcher (its own host limiter), so that the starts measured are the limiter's, not a cold JVM's.
     */
    private void warmUp(LoopbackApi api) {
        List<RequestSpec> warmUp = IntStream.range(0, 3)
                .mapToObj(i -> new RequestSpec("w" + i, "GET", api.uri("/warmup/" + i), Map.of(), null)).toList();
        FetchConfig config = new FetchConfig(256, new FetchConfig.PerHost(32, NO_RATE_CAP), 10, FAST_RETRY);
        assertAllAnswered(new Fetcher(http, Json.newMapper(), Clock.systemUTC()).fetchAll(RUN, warmUp, config, inAMinute()), 3);
    }

    /** The measured requests, as opposed to the warm-up's. */
    private static boolean isItem(com.sun.net.httpserver.HttpExchange exchange) {
        return exchange.getRequestURI().getPath().startsWith("/items/");
    }

    private static List<Long> relativeMillis(List<Long> nanos) {
        return nanos.stream().map(n -> TimeUnit.NANOSECONDS.toMillis(n - nanos.getFirst())).toList();
    }

    @Test
    void holdsAllHostsTogetherToMaxInFlight() throws IOException {
        LoopbackApi.Gauge both = new LoopbackApi.Gauge();
        try (LoopbackApi first = LoopbackApi.start((exchange, n) -> {
                 LoopbackApi.busy(exchange, 100);
                 json(exchange, 200, "{}");
             }, both);
             LoopbackApi second = LoopbackApi.start((exchange, n) -> {
                 LoopbackApi.busy(exchange, 100);
                 json(exchange, 200, "{}");
             }, both)) {
            FetchConfig config = new FetchConfig(4, new FetchConfig.PerHost(32, NO_RATE_CAP), 10, FAST_RETRY);
            List<RequestSpec> requests = Stream.concat(requests(first, "a", 15).stream(), requests(second, "b", 15).stream()).toList();

            assertAllAnswered(fetcher.fetchAll(RUN, requests, config, inAMinute()), 30);

            assertTrue(both.peak() <= 4, "peak across hosts " + both.peak() + " with maxInFlight 4");
            assertTrue(both.peak() >= 3, "peak across hosts " + both.peak() + ": the cap was not used");
        }
    }

    @Test
    void sendsNothingAndHandsEverythingBackWhenTheDeadlineHasPassed() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> json(exchange, 200, "{}"))) {
            List<RequestSpec> requests = requests(api, "r", 5);
            FetchConfig config = new FetchConfig(256, new FetchConfig.PerHost(32, NO_RATE_CAP), 10, FAST_RETRY);

            FetchReport report = fetcher.fetchAll(RUN, requests, config, Instant.now().minusSeconds(1));

            assertEquals(List.of(), report.records());
            assertEquals(requests, report.unfinished());
            assertFalse(report.complete());
            assertEquals(0, api.requestCount());
        }
    }

    @Test
    void handsBackOnlyTheRequestsTheDeadlineKeptFromStarting() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            LoopbackApi.busy(exchange, 400);
            json(exchange, 200, "{}");
        })) {
            List<RequestSpec> requests = requests(api, "r", 6);
            // One at a time, 400 ms each: the deadline comes while the first or second is in flight.
            FetchConfig config = new FetchConfig(256, new FetchConfig.PerHost(1, NO_RATE_CAP), 10, FAST_RETRY);

            FetchReport report = fetcher.fetchAll(RUN, requests, config, Instant.now().plusMillis(600));

            assertFalse(report.records().isEmpty(), "the first request starts before the deadline");
            assertFalse(report.unfinished().isEmpty(), "six requests of 400 ms one at a time cannot all start in 600 ms");
            assertEquals(api.requestCount(), report.records().size(), "a handed-back request was never sent");
            assertTrue(report.records().stream().allMatch(r -> Integer.valueOf(200).equals(r.status())));
            Set<String> ids = new HashSet<>();
            report.records().forEach(r -> ids.add(r.requestId()));
            report.unfinished().forEach(r -> ids.add(r.id()));
            assertEquals(6, ids.size(), "every request is either answered or handed back, once");
        }
    }

    @Test
    void returnsRecordsInRequestOrderWhateverOrderTheAnswersCameIn() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            int item = Integer.parseInt(exchange.getRequestURI().getPath().substring("/items/".length()));
            Thread.sleep((20 - item) * 15L); // the first request answers last
            json(exchange, 200, "{\"item\": " + item + "}");
        })) {
            List<RequestSpec> requests = requests(api, "r", 20);
            FetchConfig config = new FetchConfig(256, new FetchConfig.PerHost(32, NO_RATE_CAP), 10, FAST_RETRY);

            FetchReport report = fetcher.fetchAll(RUN, requests, config, inAMinute());

            assertAllAnswered(report, 20);
            assertEquals(requests.stream().map(RequestSpec::id).toList(),
                    report.records().stream().map(BronzeRecord::requestId).toList());
            List<Integer> items = new ArrayList<>();
            report.records().forEach(r -> items.add(r.body().get("item").asInt()));
            assertEquals(IntStream.range(0, 20).boxed().toList(), items);
        }
    }

    // --- per-host overrides, AIMD, Retry-After ------------------------------------------------------

    @Test
    void holdsAHostToItsOwnOverrideWhileAnotherKeepsThePerHostCap() throws IOException {
        try (LoopbackApi limited = LoopbackApi.start((exchange, n) -> {
                 LoopbackApi.busy(exchange, 100);
                 json(exchange, 200, "{}");
             });
             LoopbackApi other = LoopbackApi.start((exchange, n) -> {
                 LoopbackApi.busy(exchange, 100);
                 json(exchange, 200, "{}");
             })) {
            // Both are 127.0.0.1: only the port tells them apart, as a host:port override does.
            FetchConfig config = new FetchConfig(256, new FetchConfig.PerHost(8, NO_RATE_CAP),
                    Map.of("127.0.0.1:" + limited.port(), new FetchConfig.PerHost(2, NO_RATE_CAP)),
                    10, FAST_RETRY, 0, List.of(), false);
            List<RequestSpec> requests = Stream.concat(requests(limited, "a", 16).stream(), requests(other, "b", 16).stream()).toList();

            assertAllAnswered(fetcher.fetchAll(RUN, requests, config, inAMinute()), 32);

            assertEquals(16, limited.requestCount());
            assertEquals(16, other.requestCount());
            assertTrue(limited.peakConcurrency() <= 2, "overridden host peak " + limited.peakConcurrency() + " with its cap of 2");
            assertTrue(other.peakConcurrency() > 2, "other host peak " + other.peakConcurrency() + ": it was held to the override too");
            assertTrue(other.peakConcurrency() <= 8, "other host peak " + other.peakConcurrency() + " with perHost 8");
        }
    }

    @Test
    void slowsDownToAHostThatAnswers429WithoutRetryAfter() throws IOException {
        double cap = 20;
        AtomicInteger items = new AtomicInteger();
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            if (isItem(exchange) && items.incrementAndGet() <= 3) {
                json(exchange, 429, "{\"error\": \"too many requests\"}");
            } else {
                json(exchange, 200, "{}");
            }
        })) {
            warmUp(api);
            FetchConfig config = new FetchConfig(256, new FetchConfig.PerHost(32, cap), 10, new FetchConfig.Retry(5, 10, 50));

            FetchReport report = fetcher.fetchAll(RUN, requests(api, "r", 12), config, inAMinute());

            assertAllAnswered(report, 12);
            List<Long> starts = api.received().stream().filter(r -> r.path().startsWith("/items/"))
                    .map(LoopbackApi.Received::arrivedNanos).sorted().toList();
            assertEquals(15, starts.size(), "12 requests and a retry for each of the three 429s");
            // From the third 429 on, the cap alone would start one every 1/20 s (52.5 ms with its slack);
            // the rate halved by the 429s starts one about every 105 ms, climbing back slowly.
            double capSpacing = 1_000 * (1 + HostLimiter.WINDOW_SLACK) / cap;
            double meanSpacing = TimeUnit.NANOSECONDS.toMillis(starts.getLast() - starts.get(2)) / (double) (starts.size() - 3);
            assertTrue(meanSpacing >= 1.5 * capSpacing, "after the 429s starts came every " + meanSpacing
                    + " ms on average; the cap alone spaces them " + capSpacing + " ms; starts (ms): " + relativeMillis(starts));
        }
    }

    @Test
    void pausesTheWholeHostForARetryAfter() throws IOException {
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            if (n == 1) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                json(exchange, 429, "{}");
            } else {
                json(exchange, 200, "{}");
            }
        })) {
            FetchConfig config = new FetchConfig(256, new FetchConfig.PerHost(1, NO_RATE_CAP), 10, FAST_RETRY);

            FetchReport report = fetcher.fetchAll(RUN, requests(api, "r", 5), config, inAMinute());

            assertAllAnswered(report, 5);
            assertEquals(6, api.requestCount());
            List<Long> arrivals = api.arrivalNanos();
            long quiet = TimeUnit.NANOSECONDS.toMillis(arrivals.get(1) - arrivals.get(0));
            assertTrue(quiet >= 800, "the next request reached the host " + quiet + " ms after its 429 with Retry-After: 1; "
                    + "arrivals (ms): " + relativeMillis(arrivals));
        }
    }

    @Test
    void pausesRequestsAlreadyWaitingForTheirTurnForARetryAfter() throws IOException {
        AtomicInteger items = new AtomicInteger();
        try (LoopbackApi api = LoopbackApi.start((exchange, n) -> {
            if (isItem(exchange) && items.incrementAndGet() == 1) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                json(exchange, 429, "{}");
            } else {
                json(exchange, 200, "{}");
            }
        })) {
            warmUp(api);
            // Four may be in flight, but the rate spaces them 262 ms apart: three wait their turn when the 429 comes.
            FetchConfig config = new FetchConfig(256, new FetchConfig.PerHost(4, 4), 10, FAST_RETRY);

            FetchReport report = fetcher.fetchAll(RUN, requests(api, "r", 4), config, inAMinute());

            assertAllAnswered(report, 4);
            List<Long> arrivals = api.received().stream().filter(r -> r.path().startsWith("/items/"))
                    .map(LoopbackApi.Received::arrivedNanos).sorted().toList();
            assertEquals(5, arrivals.size());
            long quiet = TimeUnit.NANOSECONDS.toMillis(arrivals.get(1) - arrivals.get(0));
            assertTrue(quiet >= 800, "the next request reached the host " + quiet + " ms after its 429 with Retry-After: 1; "
                    + "arrivals (ms): " + relativeMillis(arrivals));
        }
    }
}
