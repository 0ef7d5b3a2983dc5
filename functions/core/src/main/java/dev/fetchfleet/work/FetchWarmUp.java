package dev.fetchfleet.work;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.fetch.FetchReport;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Runs a worker's per-page path (HTTP client, fetcher, pagination, record encoding, the part spill and
 * its part) a few hundred times against an API of its own on loopback, before a fleet's first chunk.
 * A JVM's first pages otherwise run interpreted while its JIT compiles them, and every chain of the
 * first wave waits for that: measured on the project's 2-core machine, a chain's first pages waited
 * 100 to 200 ms each for the fleet, against 2 to 5 ms once compiled. The local fleet runs it while its
 * embedded SQS starts, which keeps one thread busy and leaves the other core idle.
 */
public final class FetchWarmUp {

    /** Chains side by side, and pages each: some hundreds of calls of each method, which C1 compiles. */
    static final int CHAINS = 10;
    static final int PAGES = 40;

    private FetchWarmUp() {}

    /** Fetches {@link #CHAINS} chains of {@link #PAGES} pages through {@code http} and spills them as a chunk would; the pages fetched. */
    public static int run(ObjectMapper mapper, HttpClient http) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), CHAINS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the warm-up's pages on loopback", e);
        }
        server.createContext("/warm-up/", FetchWarmUp::page);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/warm-up/";
            Job job = new JobParser(mapper).parse("""
                    {"source": "warm_up", "requests": [%s],
                     "paginate": {"type": "cursor", "path": "meta.next_cursor", "param": "cursor", "maxPages": %d},
                     "fetch": {"maxInFlight": %d, "perHost": {"maxConcurrency": %d, "requestsPerSecond": 100000}}}
                    """.formatted(IntStream.range(0, CHAINS).mapToObj(c -> "{\"id\": \"c" + c + "\", \"url\": \"" + base + c + "\"}")
                    .collect(Collectors.joining(", ")), PAGES, CHAINS, CHAINS));
            var requests = ((RequestSource.Inline) job.requests()).requests();
            AtomicInteger spilled = new AtomicInteger();
            try (PartSpill spill = PartSpill.create(mapper)) {
                FetchReport report = new Fetcher(http, mapper, Clock.systemUTC()).fetchAll(new RunRef("warm_up", "1970-01-01", "warm-up"),
                        requests, Map.of(), job.fetch(), Instant.now().plusSeconds(60), (record, next) -> {
                            if (spill.add(record)) {
                                spilled.incrementAndGet();
                            }
                        });
                try (InputStream part = spill.part(requests).source().open()) {
                    part.transferTo(OutputStream.nullOutputStream());
                }
                if (!report.complete()) {
                    throw new IllegalStateException("the warm-up's own pages did not all come back");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the warm-up's part back", e);
            }
            return spilled.get();
        } finally {
            server.stop(0);
        }
    }

    /** Page {@code cursor} of a chain: an item and the next cursor, null at the last page. */
    private static void page(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            int cursor = query == null || !query.startsWith("cursor=") ? 0 : Integer.parseInt(query.substring("cursor=".length()));
            String next = cursor + 1 < PAGES ? "\"" + (cursor + 1) + "\"" : "null";
            byte[] body = ("{\"items\":[{\"id\":\"" + cursor + "\",\"updated_at\":\"2026-11-30T00:00:00Z\"}],\"meta\":{\"next_cursor\":"
                    + next + "}}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
