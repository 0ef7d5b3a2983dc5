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
 * n % 10 == 5 → 500 on the first call; n % 100 == 99 → 503 on every call; else 200.
 */
final class FlakyApi implements AutoCloseable {

    private final HttpServer server;
    private final long latencyMillis;
    private final int retryAfterSeconds;
    final Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();

    FlakyApi(long latencyMillis) throws IOException {
        this(latencyMillis, 1);
    }

    FlakyApi(long latencyMillis, int retryAfterSeconds) throws IOException {
        this.latencyMillis = latencyMillis;
        this.retryAfterSeconds = retryAfterSeconds;
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

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int n = Integer.parseInt(exchange.getRequestURI().getPath().substring("/items/".length()));
            int call = calls.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(latencyMillis);
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
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
