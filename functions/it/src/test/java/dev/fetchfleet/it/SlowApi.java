package dev.fetchfleet.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.local.HttpJson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test API on loopback: {@code GET /items/{n}} answers after a delay; n % 10 == 3 is a 404 (final),
 * n % 10 == 7 answers 429 (Retry-After: 0) once, then 200; it counts every call per item.
 */
final class SlowApi implements AutoCloseable {

    private final HttpServer server;
    private final long delayMillis;
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    SlowApi(long delayMillis) throws IOException {
        this.delayMillis = delayMillis;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.createContext("/items/", this::handle);
        server.createContext("/feed/", this::feed);
        server.createContext("/list", this::list);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    static int expectedStatus(int n) {
        return n % 10 == 3 ? 404 : 200;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String id = exchange.getRequestURI().getPath().substring("/items/".length());
            int call = calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(delayMillis);
            int n = Integer.parseInt(id);
            if (n % 10 == 3) {
                HttpJson.send(exchange, 404, "{\"error\":\"no item " + id + "\"}");
            } else if (n % 10 == 7 && call == 1) {
                exchange.getResponseHeaders().add("Retry-After", "0");
                HttpJson.send(exchange, 429, "{\"error\":\"slow down\"}");
            } else {
                HttpJson.send(exchange, 200, "{\"id\":" + id + ",\"call\":" + call + "}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code GET /feed/{c}?pages=P&cursor=K}: page K of P after the delay, {@code next} the cursor of the one after. */
    private void feed(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            int pages = Integer.parseInt(query.replaceAll(".*pages=(\\d+).*", "$1"));
            int cursor = query.contains("cursor=") ? Integer.parseInt(query.replaceAll(".*cursor=(\\d+).*", "$1")) : 0;
            calls.computeIfAbsent(exchange.getRequestURI().getPath() + "#" + cursor, k -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(delayMillis);
            HttpJson.send(exchange, 200, "{\"items\":[" + cursor + "],\"next\":"
                    + (cursor + 1 < pages ? "\"" + (cursor + 1) + "\"" : "null") + "}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code GET /list?pages=P&cursor=K}: page K of P, items {@code {"id": 5K+1}} to {@code {"id": 5K+5}}, {@code next} as the feed's. */
    private void list(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            int pages = Integer.parseInt(query.replaceAll(".*pages=(\\d+).*", "$1"));
            int cursor = query.contains("cursor=") ? Integer.parseInt(query.replaceAll(".*cursor=(\\d+).*", "$1")) : 0;
            StringBuilder items = new StringBuilder();
            for (int id = 5 * cursor + 1; id <= 5 * cursor + 5; id++) {
                items.append(items.isEmpty() ? "" : ",").append("{\"id\":").append(id).append('}');
            }
            HttpJson.send(exchange, 200, "{\"items\":[" + items + "],\"next\":"
                    + (cursor + 1 < pages ? "\"" + (cursor + 1) + "\"" : "null") + "}");
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
