package dev.fetchfleet.local;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.bronze.LocalBronzeStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures a local run against the demo API with given latency and caps, beside the bound the caps
 * set: max(latency × ceil(N / concurrency cap), N / rate cap). The job states the caps as the API does,
 * for the whole fleet; the dispatcher shares them among the workers. The API runs in a JVM of its own, so heap
 * and RSS are the fleet's: the embedded SQS, the dispatcher and the workers.
 */
final class Bench {

    /** @param chunkSize the job's {@code chunkSize}, or null to leave it to the dispatcher's layout, as most jobs do */
    record Settings(int requests, Duration latency, int concurrencyCap, double rateCap, int workers, Integer chunkSize) {}

    @JsonPropertyOrder({"requests", "latency_ms", "concurrency_cap", "rate_cap", "workers", "run_seconds", "api_seconds",
            "bound_seconds", "ratio", "peak_concurrency", "peak_rate", "heap_peak_mib", "live_heap_at_peak_mib", "heap_per_in_flight_kib",
            "rss_peak_mib", "complete"})
    record Result(
            @JsonProperty("requests") int requests,
            @JsonProperty("latency_ms") long latencyMs,
            @JsonProperty("concurrency_cap") int concurrencyCap,
            @JsonProperty("rate_cap") double rateCap,
            @JsonProperty("workers") int workers,
            /** From dispatch until the run is complete, as the runner saw it. */
            @JsonProperty("run_seconds") double runSeconds,
            /** From the first request in to the last answer out, as the API saw the run: what the ratio is of. */
            @JsonProperty("api_seconds") double apiSeconds,
            @JsonProperty("bound_seconds") double boundSeconds,
            @JsonProperty("ratio") double ratio,
            @JsonProperty("peak_concurrency") int peakConcurrency,
            @JsonProperty("peak_rate") int peakRate,
            @JsonProperty("heap_peak_mib") double heapPeakMib,
            @JsonProperty("live_heap_at_peak_mib") double liveHeapAtPeakMib,
            @JsonProperty("heap_per_in_flight_kib") double heapPerInFlightKib,
            @JsonProperty("rss_peak_mib") double rssPeakMib,
            @JsonProperty("complete") boolean complete) {}

    static double bound(Settings s) {
        double byConcurrency = s.latency().toMillis() / 1000.0 * Math.ceil((double) s.requests() / s.concurrencyCap());
        double byRate = s.requests() / s.rateCap();
        return Math.max(byConcurrency, byRate);
    }

    /**
     * Runs the measured job once, after a short warm-up run (a fifth of the requests, at 10 ms) in the
     * same JVM, so that the figures are the fleet's, not the JIT compiler's first seconds.
     */
    static Result run(Settings s, PrintWriter err, ObjectMapper mapper) throws IOException, InterruptedException {
        err.println("warm-up run...");
        once(new Settings(Math.max(1, s.requests() / 5), Duration.ofMillis(10), s.concurrencyCap(), s.rateCap(), s.workers(), s.chunkSize()),
                new PrintWriter(java.io.Writer.nullWriter()), mapper);
        err.println("measured run...");
        return once(s, err, mapper);
    }

    private static Result once(Settings s, PrintWriter err, ObjectMapper mapper) throws IOException, InterruptedException {
        Path bronze = Files.createTempDirectory("fetchfleet-bench-");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (ApiProcess api = ApiProcess.start(s.latency(), mapper)) {
            String job = """
                    {"source": "bench",%s
                     "template": {"url": "%s/items/{id}", "values": {"id": {"from": 1, "to": %d}}},
                     "plan": {"latencyMillis": %d},
                     "fetch": {"maxInFlight": %d, "perHost": {"maxConcurrency": %d, "requestsPerSecond": %s},
                               "timeoutSeconds": 120}}
                    """.formatted(s.chunkSize() == null ? "" : " \"chunkSize\": " + s.chunkSize() + ",", api.base(), s.requests(), Math.max(1, s.latency().toMillis()),
                    Math.min(900, s.concurrencyCap()), s.concurrencyCap(), s.rateCap());
            AtomicLong baselineHeap = new AtomicLong();
            AtomicLong heapPeak = new AtomicLong();
            AtomicLong rssPeak = new AtomicLong();
            AtomicLong liveAtPeak = new AtomicLong(-1);
            AtomicLong inFlightAtPeak = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            Thread sampler = Thread.ofPlatform().daemon().name("bench-sampler").start(() -> {
                while (!done.get()) {
                    heapPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    rssPeak.accumulateAndGet(rssBytes(), Math::max);
                    int inFlight;
                    try {
                        inFlight = api.stats().get("inFlight").asInt();
                    } catch (IOException | InterruptedException e) {
                        inFlight = 0;
                    }
                    // Once, when the fleet is at its cap: what is live then, after a collection.
                    if (liveAtPeak.get() < 0 && inFlight >= 0.9 * s.concurrencyCap()) {
                        System.gc();
                        liveAtPeak.set(memory.getHeapMemoryUsage().getUsed());
                        inFlightAtPeak.set(inFlight);
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            LocalFleet fleet = new LocalFleet(new LocalBronzeStore(bronze), path -> {
                throw new IOException("the bench job reads no files");
            }, new LocalFleet.Options(s.workers(), Duration.ofMinutes(15), 5, Duration.ofHours(1)), err, mapper, Clock.systemUTC())
                    .beforeDispatch(() -> {
                        // Everything but the run's own requests is up by now: the embedded SQS, the API.
                        System.gc();
                        baselineHeap.set(memory.getHeapMemoryUsage().getUsed());
                    });
            RunSummary summary = fleet.run(job);
            done.set(true);
            sampler.join();
            double bound = bound(s);
            JsonNode seen = api.stats();
            long live = liveAtPeak.get();
            double perInFlight = live < 0 || inFlightAtPeak.get() == 0 ? -1
                    : Math.max(0, live - baselineHeap.get()) / 1024.0 / inFlightAtPeak.get();
            double apiSeconds = seen.get("spanSeconds").asDouble();
            return new Result(s.requests(), s.latency().toMillis(), s.concurrencyCap(), s.rateCap(), s.workers(),
                    summary.runSeconds(), round(apiSeconds), round(bound), round(apiSeconds / bound), seen.get("peakInFlight").asInt(),
                    seen.get("peakArrivalsPerSecond").asInt(), mib(heapPeak.get()), live < 0 ? -1 : mib(live), round(perInFlight),
                    mib(rssPeak.get()), summary.complete() && summary.succeeded() == s.requests());
        } finally {
            deleteTree(bronze);
        }
    }

    /** The paginated case: chains of pages fetched one after another, chains side by side. */
    record PagesResult(@JsonProperty("chains") int chains, @JsonProperty("pages_per_chain") int pages,
                       @JsonProperty("latency_ms") long latencyMs, @JsonProperty("workers") int workers,
                       @JsonProperty("records") long records, @JsonProperty("run_seconds") double runSeconds,
                       @JsonProperty("bound_seconds") double boundSeconds, @JsonProperty("ratio") double ratio,
                       @JsonProperty("peak_concurrency") int peakConcurrency, @JsonProperty("complete") boolean complete,
                       /** Connections the API saw the run open: one a chain when the fleet keeps them alive. */
                       @JsonProperty("api_connections") int apiConnections,
                       /** First request in to last answer out, as the API measured it. */
                       @JsonProperty("api_seconds") double apiSeconds,
                       @JsonProperty("api_ratio") double apiRatio,
                       /** From the local fleet's start (embedded SQS, workers, dispatch) to the API's first request. */
                       @JsonProperty("fleet_start_to_first_request_seconds") double fleetStartSeconds,
                       /** From this JVM's launch to the fleet's start (JVM, CLI, the demo API's own JVM). */
                       @JsonProperty("jvm_launch_to_fleet_start_seconds") double jvmToFleetSeconds,
                       @JsonProperty("s3_requests") dev.fetchfleet.bronze.S3Requests s3Requests,
                       @JsonProperty("load_average") double loadAverage,
                       /** Where the time between a chain's pages went, as the API saw it (see FeedGaps). */
                       @JsonProperty("api_feed") JsonNode feed) {}

    /**
     * {@code chains} chains of {@code pages} pages (cursor style) over {@code workers} workers, caps
     * allowing every chain in flight (the API's cap is fleet-wide: {@code chains}, shared by the lanes): the
     * bound is latency × pages, as a chain's pages go one by one.
     */
    static PagesResult pages(int chains, int pages, Duration latency, int workers, PrintWriter err, ObjectMapper mapper)
            throws IOException, InterruptedException {
        int perWorker = (chains + workers - 1) / workers;
        Path bronze = Files.createTempDirectory("fetchfleet-bench-pages-");
        try (ApiProcess api = ApiProcess.start(latency, mapper)) {
            String job = """
                    {"source": "bench_pages", "chunkSize": %d,
                     "template": {"url": "%s/feed/{chain}?pages=%d", "values": {"chain": {"from": 1, "to": %d}}},
                     "paginate": {"type": "cursor", "path": "meta.next_cursor", "param": "cursor", "maxPages": %d},
                     "fetch": {"maxInFlight": %d, "perHost": {"maxConcurrency": %d, "requestsPerSecond": 100000}}}
                    """.formatted(perWorker, api.base(), pages, chains, pages, perWorker, chains);
            long fleetStart = System.currentTimeMillis();
            RunSummary summary = new LocalFleet(new LocalBronzeStore(bronze), path -> {
                throw new IOException("the bench job reads no files");
            }, new LocalFleet.Options(workers, Duration.ofMinutes(15), 5, Duration.ofHours(1)), err, mapper, Clock.systemUTC()).run(job);
            double bound = latency.toMillis() / 1000.0 * pages;
            JsonNode seen = api.stats();
            double apiSeconds = seen.path("activeSeconds").asDouble();
            long launch = ManagementFactory.getRuntimeMXBean().getStartTime();
            return new PagesResult(chains, pages, latency.toMillis(), workers, summary.records(), summary.runSeconds(), round(bound),
                    round(summary.runSeconds() / bound), seen.get("peakInFlight").asInt(),
                    summary.complete() && summary.records() == (long) chains * pages, seen.path("connections").asInt(), round(apiSeconds), round(apiSeconds / bound),
                    round((seen.path("firstArrivalEpochMillis").asLong() - fleetStart) / 1000.0), round((fleetStart - launch) / 1000.0),
                    summary.s3Requests(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), seen.path("feed"));
        } finally {
            deleteTree(bronze);
        }
    }

    /** Resident set size from /proc (Linux); 0 elsewhere. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static double mib(long bytes) {
        return round(bytes / 1024.0 / 1024.0);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
