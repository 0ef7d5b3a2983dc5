package dev.fetchfleet.local;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.fetch.FetchReport;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One cell of the side-by-side benchmark, run in a JVM of its own so its heap, RSS and thread figures
 * are its own: N requests to the API through one way of fetching.
 */
final class BenchCell {

    /** The ways of fetching compared: one after another, a fixed pool of platform threads, FetchFleet's fetcher. */
    enum Kind { SEQUENTIAL, POOL, FETCHFLEET }

    record Figures(@JsonProperty("fetcher") String fetcher, @JsonProperty("requests") int requests,
                   @JsonProperty("wall_seconds") double wallSeconds, @JsonProperty("ok") int ok,
                   @JsonProperty("heap_peak_mib") double heapPeakMib, @JsonProperty("rss_peak_mib") double rssPeakMib,
                   @JsonProperty("platform_threads") int platformThreads) {}

    static Figures run(Kind kind, int threads, int requests, URI api, ObjectMapper mapper) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<URI> urls = new ArrayList<>(requests);
        for (int i = 1; i <= requests; i++) {
            urls.add(api.resolve("/items/" + i));
        }
        System.gc();
        int baselineThreads = threadBean.getThreadCount();
        threadBean.resetPeakThreadCount();
        AtomicLong heapPeak = new AtomicLong();
        AtomicLong rssPeak = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!done.get()) {
                heapPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                rssPeak.accumulateAndGet(Bench.rssBytes(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long start = System.nanoTime();
        int ok = switch (kind) {
            case SEQUENTIAL -> {
                int n = 0;
                for (URI url : urls) {
                    n += send(http, url);
                }
                yield n;
            }
            case POOL -> {
                try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                    List<Future<Integer>> futures = new ArrayList<>();
                    for (URI url : urls) {
                        futures.add(pool.submit(() -> send(http, url)));
                    }
                    int n = 0;
                    for (Future<Integer> f : futures) {
                        n += f.get();
                    }
                    yield n;
                }
            }
            case FETCHFLEET -> {
                List<RequestSpec> specs = new ArrayList<>(requests);
                for (int i = 0; i < urls.size(); i++) {
                    specs.add(new RequestSpec("r" + i, "GET", urls.get(i), Map.of(), null));
                }
                FetchConfig caps = new FetchConfig(threads, new FetchConfig.PerHost(threads, 100_000), 60, FetchConfig.Retry.DEFAULT);
                FetchReport report = new Fetcher(Fetcher.newHttpClient(Duration.ofSeconds(10)), mapper, Clock.systemUTC())
                        .fetchAll(new RunRef("bench", "2026-01-01", "bench"), specs, caps, Instant.now().plus(Duration.ofHours(1)));
                yield (int) report.records().stream().filter(r -> r.status() != null && r.status() == 200).count();
            }
        };
        double wall = (System.nanoTime() - start) / 1e9;
        done.set(true);
        sampler.join();
        String name = switch (kind) {
            case SEQUENTIAL -> "sequential";
            case POOL -> "pool-" + threads;
            case FETCHFLEET -> "fetchfleet";
        };
        return new Figures(name, requests, Math.round(wall * 1000) / 1000.0, ok, mib(heapPeak.get()), mib(rssPeak.get()),
                Math.max(0, threadBean.getPeakThreadCount() - baselineThreads - 1)); // less the sampler
    }

    private static int send(HttpClient http, URI url) throws Exception {
        return http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200 ? 1 : 0;
    }

    private static double mib(long bytes) {
        return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
    }
}
