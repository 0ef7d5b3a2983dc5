package dev.fetchfleet.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.local.HttpJson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (2018-06-01) on loopback: hands events to a runtime interface client, one at a
 * time as Lambda does, and takes back its answers and errors. What Lambda's service side would be.
 */
final class LambdaRuntimeApi implements AutoCloseable {

    /** What the function sent back: its serialized result, or an error report. */
    record Answer(boolean error, String body) {}

    private record Invocation(String requestId, String event, Instant deadline) {}

    private static final String PREFIX = "/2018-06-01/runtime/";

    private final HttpServer server;
    private final BlockingQueue<Invocation> events = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Answer>> answers = new ConcurrentHashMap<>();
    private final CompletableFuture<Answer> initError = new CompletableFuture<>();
    /** System.nanoTime() of the runtime client's first poll for an event: its init is over. */
    private final CompletableFuture<Long> firstPoll = new CompletableFuture<>();
    private final Duration timeout;

    private LambdaRuntimeApi(HttpServer server, Duration timeout) {
        this.server = server;
        this.timeout = timeout;
    }

    /** {@code timeout}: the function's configured timeout, sent as each invocation's deadline. */
    static LambdaRuntimeApi start(Duration timeout) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        LambdaRuntimeApi api = new LambdaRuntimeApi(server, timeout);
        server.createContext(PREFIX, api::handle);
        server.start();
        return api;
    }

    /** AWS_LAMBDA_RUNTIME_API for the runtime client: host and port, no scheme. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** One invocation, as Lambda makes it: waits for the function's answer (or its init error). */
    Answer invoke(String event) throws Exception {
        String requestId = UUID.randomUUID().toString();
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        answers.put(requestId, answer);
        events.add(new Invocation(requestId, event, Instant.now().plus(timeout)));
        return CompletableFuture.anyOf(answer, initError).thenApply(Answer.class::cast)
                .get(timeout.toSeconds() + 10, TimeUnit.SECONDS);
    }

    /** When the function first asked for an event (System.nanoTime()), that is, when its init ended. */
    long awaitFirstPoll() throws Exception {
        return CompletableFuture.anyOf(firstPoll, initError).thenApply(done -> {
            if (done instanceof Answer failed) {
                throw new IllegalStateException("init failed: " + failed.body());
            }
            return (Long) done;
        }).get(timeout.toSeconds() + 10, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (path.equals("invocation/next") && exchange.getRequestMethod().equals("GET")) {
                firstPoll.complete(System.nanoTime());
                Invocation next = events.take(); // a runtime client long-polls here between invocations
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", next.requestId());
                exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(next.deadline().toEpochMilli()));
                exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:us-east-1:000000000000:function:fetchfleet-test");
                exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
                HttpJson.send(exchange, 200, next.event());
            } else if (path.startsWith("invocation/") && path.endsWith("/response")) {
                complete(path, new Answer(false, body));
                HttpJson.send(exchange, 202, "{\"status\":\"OK\"}");
            } else if (path.startsWith("invocation/") && path.endsWith("/error")) {
                complete(path, new Answer(true, body));
                HttpJson.send(exchange, 202, "{\"status\":\"OK\"}");
            } else if (path.equals("init/error")) {
                initError.complete(new Answer(true, body));
                HttpJson.send(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                HttpJson.send(exchange, 404, "{\"errorMessage\":\"no such path: " + path + "\"}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void complete(String path, Answer answer) {
        String requestId = path.substring("invocation/".length(), path.lastIndexOf('/'));
        CompletableFuture<Answer> waiting = answers.remove(requestId);
        if (waiting != null) {
            waiting.complete(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
