package dev.fetchfleet.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A slow API on loopback that sometimes fails, by item number n:
 * n % 10 == 3 → 404 (a final answer); n % 10 == 7 → 429 with Retry-After (1 s by default) on the first call;
 * n % 10 == 5 → 500 on the first call; n % 100 == 99 → 503 on every call; else 200. With a stall,
 * n % 50 == 21 takes that much longer on its first call. It counts what a polite client is judged by:
 * requests in flight at once and starts in any one-second window.
 */
final class FlakyApi implements AutoCloseable {

    private final HttpServer server;
    private final long latencyMillis;
    private final int retryAfterSeconds;
    private final long stallMillis;
    final Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final java.util.Queue<Long> starts = new java.util.concurrent.ConcurrentLinkedQueue<>();

    FlakyApi(long latencyMillis) throws IOException {
        this(latencyMillis, 1);
    }

    FlakyApi(long latencyMillis, int retryAfterSeconds) throws IOException {
        this(latencyMillis, retryAfterSeconds, 0);
    }

    FlakyApi(long latencyMillis, int retryAfterSeconds, long stallMillis) throws IOException {
        this.latencyMillis = latencyMillis;
        this.retryAfterSeconds = retryAfterSeconds;
        this.stallMillis = stallMillis;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2048);
        server.createContext("/items/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    static int finalStatus(int n) {
        if (n % 100 == 99) {
            return 503;
        }
        return n % 10 == 3 ? 404 : 200;
    }

    /** Calls a request for item n should take with maxAttempts attempts. */
    static int expectedCalls(int n, int maxAttempts) {
        if (n % 100 == 99) {
            return maxAttempts;
        }
        return n % 10 == 7 || n % 10 == 5 ? 2 : 1;
    }

    long total() {
        return calls.values().stream().mapToLong(AtomicInteger::get).sum();
    }

    int peakInFlight() {
        return peakInFlight.get();
    }

    /** The most requests that arrived within any one second (a sliding window, not calendar seconds). */
    int peakStartsPerSecond() {
        long[] times = starts.stream().mapToLong(Long::longValue).sorted().toArray();
        int peak = 0;
        for (int from = 0, to = 0; to < times.length; to++) {
            while (times[to] - times[from] >= 1_000_000_000L) {
                from++;
            }
            peak = Math.max(peak, to - from + 1);
        }
        return peak;
    }

    private void handle(HttpExchange exchange) throws IOException {
        starts.add(System.nanoTime());
        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        boolean counted = true;
        try (exchange) {
            int n = Integer.parseInt(exchange.getRequestURI().getPath().substring("/items/".length()));
            int call = calls.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(latencyMillis + (n % 50 == 21 && call == 1 ? stallMillis : 0));
            // Out of flight once the answer is decided: the client may start its next request as soon as it reads it.
            inFlight.decrementAndGet();
            counted = false;
            if (n % 100 == 99) {
                HttpJson.send(exchange, 503, "{\"error\":\"down\"}");
            } else if (n % 10 == 3) {
                HttpJson.send(exchange, 404, "{\"error\":\"not found\"}");
            } else if (n % 10 == 7 && call == 1) {
                exchange.getResponseHeaders().add("Retry-After", Integer.toString(retryAfterSeconds));
                HttpJson.send(exchange, 429, "{\"error\":\"slow down\"}");
            } else if (n % 10 == 5 && call == 1) {
                HttpJson.send(exchange, 500, "{\"error\":\"oops\"}");
            } else {
                HttpJson.send(exchange, 200, "{\"n\":" + n + "}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
