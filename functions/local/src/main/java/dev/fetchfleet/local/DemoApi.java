package dev.fetchfleet.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A slow, sometimes failing API on loopback, for the demo and for trying jobs offline:
 * {@code GET /items/{id}} answers after {@code latency}; a {@code failureRate} share of ids fails its
 * first attempt (429 with Retry-After: 1, 500 or 503, by id) and succeeds on the next.
 */
public final class DemoApi implements AutoCloseable {

    public record Options(Duration latency, double failureRate, long seed) {}

    private final HttpServer server;
    private final Options options;
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicLong served = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();

    private DemoApi(HttpServer server, Options options) {
        this.server = server;
        this.options = options;
    }

    public static DemoApi start(int port, Options options) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        DemoApi api = new DemoApi(server, options);
        server.createContext("/items/", api::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return api;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public long served() {
        return served.get();
    }

    public int peakInFlight() {
        return peakInFlight.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
        try (exchange) {
            String id = exchange.getRequestURI().getPath().substring("/items/".length());
            int attempt = attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(options.latency());
            served.incrementAndGet();
            if (attempt == 1 && fails(id)) {
                int status = switch (Math.floorMod(id.hashCode(), 3)) {
                    case 0 -> 429;
                    case 1 -> 500;
                    default -> 503;
                };
                if (status == 429) {
                    exchange.getResponseHeaders().add("Retry-After", "1");
                }
                send(exchange, status, "{\"error\":\"try again\"}");
                return;
            }
            send(exchange, 200, "{\"id\":\"" + id + "\",\"name\":\"item " + id + "\",\"attempt\":" + attempt
                    + ",\"updated_at\":\"2026-11-27T00:00:00Z\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private boolean fails(String id) {
        long mixed = (id.hashCode() * 0x9E3779B97F4A7C15L) ^ options.seed();
        mixed ^= mixed >>> 29;
        mixed *= 0xBF58476D1CE4E5B9L;
        mixed ^= mixed >>> 32;
        return (mixed >>> 11) * 0x1.0p-53 < options.failureRate();
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
