package dev.fetchfleet.fetch;

import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One attempt of one request: the HTTP request built from its spec, the answer read within the timeout and the body's limits. */
final class HttpSender {

    private final HttpClient http;

    HttpSender(HttpClient http) {
        this.http = http;
    }

    /**
     * One HTTP client per worker: HTTP/2 where the server offers it, connections reused. Redirects are
     * not followed: a 3xx is kept as the answer (with its Location), so a redirect can never take a
     * request to an address the job's validation refused, such as the instance-metadata service.
     */
    static HttpClient newHttpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                // The client's own async work on virtual threads too: its default executor is a cached
                // pool that grows a platform thread per concurrent exchange.
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    HttpResponse<LimitedBody> send(RequestSpec request, FetchConfig config, BodyBudget.Share share)
            throws IOException, TimeoutException, InterruptedException {
        int timeoutSeconds = config.timeoutSeconds();
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.url()).timeout(Duration.ofSeconds(timeoutSeconds));
        if ("http".equalsIgnoreCase(request.url().getScheme())) {
            // Over plain HTTP the client offers an h2c upgrade on every request, which servers almost never
            // take: measured on loopback it tripled a chain's time per page and added 0.4 ms of CPU to each.
            // HTTPS still negotiates HTTP/2 (ALPN).
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        request.headers().forEach(builder::header);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (request.body() != null) {
            String text = request.body().isTextual() ? request.body().asText() : request.body().toString();
            body = HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
            if (!request.body().isTextual() && request.headers().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
                builder.header("Content-Type", "application/json");
            }
        }
        builder.method(request.method(), body);
        // The request timeout covers the headers; the future's timeout covers the body as well.
        CompletableFuture<HttpResponse<LimitedBody>> future = http.sendAsync(builder.build(), LimitedBody.handler(config.maxResponseBytes(), share));
        try {
            return future.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TimeoutException("no complete response within " + timeoutSeconds + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }
}
