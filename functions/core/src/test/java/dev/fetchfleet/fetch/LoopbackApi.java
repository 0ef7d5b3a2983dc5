package dev.fetchfleet.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP API on 127.0.0.1 for fetcher tests: answers with a test's {@link Responder}, one virtual
 * thread per exchange, and records what it saw: how many requests, when each arrived, what each carried,
 * and the most it had in progress at once.
 */
final class LoopbackApi implements AutoCloseable {

    /** Answers one exchange; {@code n} is its arrival number, from 1. */
    @FunctionalInterface
    interface Responder {
        void respond(HttpExchange exchange, int n) throws Exception;
    }

    /** What the server received, as the server saw it; {@code headers} by name in any case. */
    record Received(String method, String path, String body, String contentType, long arrivedNanos,
                    Map<String, List<String>> headers) {

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.getFirst();
        }
    }

    /** In-progress exchanges and their peak; may be shared by several servers to measure a total. */
    static final class Gauge {
        private final AtomicInteger current = new AtomicInteger();
        private final AtomicInteger peak = new AtomicInteger();

        void enter() {
            peak.accumulateAndGet(current.incrementAndGet(), Math::max);
        }

        void exit() {
            current.decrementAndGet();
        }

        int peak() {
            return peak.get();
        }
    }

    private static final String SELF = LoopbackApi.class.getName();
    private static final String BODY = SELF + ".body";

    /** The request body of {@code exchange}, as read before the responder was called. */
    static String body(HttpExchange exchange) {
        return (String) exchange.getAttribute(BODY);
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger count = new AtomicInteger();
    private final List<Received> received = new ArrayList<>();
    private final Gauge gauge = new Gauge();
    private final List<Gauge> sharedGauges;

    private LoopbackApi(Responder responder, List<Gauge> sharedGauges) throws IOException {
        this.sharedGauges = sharedGauges;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            long arrived = System.nanoTime();
            int n = count.incrementAndGet();
            try (exchange) {
                exchange.setAttribute(SELF, this);
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                exchange.setAttribute(BODY, body);
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
                synchronized (received) {
                    received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(), body,
                            exchange.getRequestHeaders().getFirst("Content-Type"), arrived, headers));
                }
                responder.respond(exchange, n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // The client sees a dropped connection; the test sees its assertions fail.
                System.err.println("loopback API handler failed: " + e);
            }
        });
        server.start();
    }

    static LoopbackApi start(Responder responder) throws IOException {
        return new LoopbackApi(responder, List.of());
    }

    /** A server that also counts its busy exchanges on {@code shared}, to measure several servers together. */
    static LoopbackApi start(Responder responder, Gauge shared) throws IOException {
        return new LoopbackApi(responder, List.of(shared));
    }

    int port() {
        return server.getAddress().getPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    int requestCount() {
        return count.get();
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    List<Long> arrivalNanos() {
        return received().stream().map(Received::arrivedNanos).sorted().toList();
    }

    /** The most exchanges of this server in progress at once (as counted by {@link #busy}). */
    int peakConcurrency() {
        return gauge.peak();
    }

    /**
     * Holds the exchange open for {@code millis} counted as in progress. The count drops before the answer
     * is written, so the server never counts a request the client already considers finished.
     */
    static void busy(HttpExchange exchange, long millis) throws InterruptedException {
        ((LoopbackApi) exchange.getAttribute(SELF)).busy(millis);
    }

    void busy(long millis) throws InterruptedException {
        gauge.enter();
        sharedGauges.forEach(Gauge::enter);
        try {
            Thread.sleep(millis);
        } finally {
            sharedGauges.forEach(Gauge::exit);
            gauge.exit();
        }
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    static void json(HttpExchange exchange, int status, String json) throws IOException {
        send(exchange, status, "application/json", json);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
