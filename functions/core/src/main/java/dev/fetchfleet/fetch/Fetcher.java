package dev.fetchfleet.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.LinkLocal;
import dev.fetchfleet.job.Paginate;
import dev.fetchfleet.job.RequestSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a chunk's requests concurrently, one virtual thread each, within the worker's in-flight cap
 * and each host's concurrency and rate caps, retrying what is worth retrying. Every request ends as a
 * bronze record, unless the deadline came before it could start.
 */
public final class Fetcher {

    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final BodyDecoder decoder;
    /** Per host and caps, for the life of the worker: a warm Lambda keeps its politeness across chunks. */
    private final Map<String, HostLimiter> hosts = new ConcurrentHashMap<>();
    private final SecretReferences.Store secrets;
    private final Destinations destinations;
    /** Shared by every chunk the worker fetches: the bound is on the worker's memory, not a chunk's. */
    private final BodyBudget budget = BodyBudget.forHeap(Runtime.getRuntime().maxMemory());

    public Fetcher(HttpClient http, ObjectMapper mapper, Clock clock) {
        this(http, mapper, clock, SecretReferences.NONE);
    }

    /** A fetcher that reaches private networks and loopback: the local runner's, and tests'. */
    public Fetcher(HttpClient http, ObjectMapper mapper, Clock clock, SecretReferences.Store secrets) {
        this(http, mapper, clock, secrets, Destinations.LOCAL);
    }

    public Fetcher(HttpClient http, ObjectMapper mapper, Clock clock, SecretReferences.Store secrets,
                   Destinations destinations) {
        this.http = http;
        this.destinations = destinations;
        this.mapper = mapper;
        this.clock = clock;
        this.decoder = new BodyDecoder(mapper);
        this.secrets = secrets;
    }

    /**
     * One HTTP client per worker: HTTP/2 where the server offers it, connections reused. Redirects are
     * not followed: a 3xx is kept as the answer (with its Location), so a redirect can never take a
     * request to an address the job's validation refused, such as the instance-metadata service.
     */
    public static HttpClient newHttpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                // The client's own async work on virtual threads too: its default executor is a cached
                // pool that grows a platform thread per concurrent exchange.
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Hears of every record as it ends, in the order of its chain. A call for a page whose chain goes on
     * ({@code next} not null) returns when it is safe to ask for that next page: a checkpoint makes the
     * page durable first, so a worker killed at any moment asks for no page again that it had an answer for.
     */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (record, next) -> {};

        void fetched(BronzeRecord record, URI next) throws InterruptedException;

        /**
         * True when this keeps each record whole (a chunk's part spill): the report then holds records
         * without their bodies, so a chunk's bodies are never all in memory at once.
         */
        default boolean keepsBodies() {
            return false;
        }
    }

    /**
     * Fetches all requests; none is started after {@code startDeadline}. Records come back in the
     * order of {@code requests}.
     */
    public FetchReport fetchAll(RunRef run, List<RequestSpec> requests, FetchConfig config, Instant startDeadline) {
        return fetchAll(run, requests, Map.of(), config, startDeadline, Progress.NONE);
    }

    /**
     * Fetches all requests, a chain named in {@code resumeAt} (by request id) from its cursor rather than
     * its first page; none is started after {@code startDeadline}. Records come back in the order of
     * {@code requests}, those of a chain the deadline cut included; such a chain's request is also in
     * {@link FetchReport#unfinished()}.
     *
     * @throws RuntimeException what {@code progress} threw, once every chain has stopped: a checkpoint
     *                          that cannot be written fails the chunk rather than its requests
     */
    public FetchReport fetchAll(RunRef run, List<RequestSpec> requests, Map<String, ChainCursor> resumeAt,
                                FetchConfig config, Instant startDeadline, Progress progress) {
        Semaphore inFlight = new Semaphore(config.maxInFlight(), true);
        RetryPolicy retry = new RetryPolicy(config.retry(), clock);
        // Resolved before any request starts: a secret that cannot be read fails the chunk (to be
        // redelivered), rather than turning every request into a terminal error.
        Map<String, String> resolved = new java.util.HashMap<>();
        List<RequestSpec> sendable = requests.stream().map(r -> SecretReferences.resolve(r, secrets, resolved)).toList();
        List<Future<Chain>> futures = new ArrayList<>(requests.size());
        List<HostLimiter> hostOf = new ArrayList<>(requests.size());
        // A thread is started only when one of a bounded number of slots frees up: a chunk of 1,000
        // requests then keeps a few hundred threads (and their stacks) alive, not 1,000 parked ones.
        // Twice the in-flight cap, so requests sleeping out a retry do not idle the sockets.
        Semaphore slots = new Semaphore(2 * config.maxInFlight());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (RequestSpec request : sendable) {
                FetchConfig.PerHost caps = config.capsFor(request.url().getHost(), request.url().getPort());
                HostLimiter host = hosts.computeIfAbsent(request.host() + "|" + caps,
                        k -> new HostLimiter(caps.maxConcurrency(), caps.requestsPerSecond()));
                hostOf.add(host);
                try {
                    slots.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while fetching", e);
                }
                futures.add(threads.submit(() -> {
                    try {
                        return fetchChain(run, request, resumeAt.get(request.id()), config, retry, inFlight, host,
                                startDeadline, progress);
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        List<BronzeRecord> records = new ArrayList<>(requests.size());
        List<RequestSpec> unfinished = new ArrayList<>();
        Duration retryAfter = Duration.ZERO;
        RuntimeException progressFailure = null;
        for (int i = 0; i < futures.size(); i++) {
            Chain chain;
            try {
                chain = futures.get(i).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while fetching", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ProgressFailed failed) {
                    progressFailure = progressFailure == null ? failed.getCause() : progressFailure;
                    continue;
                }
                // A chain records its own errors page by page; what gets here (an Error) fails the chunk,
                // which goes on from its checkpoint, rather than standing in for the chain's pages.
                progressFailure = progressFailure == null
                        ? new IllegalStateException("chain of request " + requests.get(i).id() + " failed: " + e.getCause(), e.getCause())
                        : progressFailure;
                continue;
            }
            records.addAll(chain.pages());
            if (!chain.complete()) {
                unfinished.add(requests.get(i)); // to go on from its cursor on redelivery
                Duration pause = hostOf.get(i).pauseLeft();
                retryAfter = pause.compareTo(retryAfter) > 0 ? pause : retryAfter;
            }
        }
        if (progressFailure != null) {
            throw progressFailure;
        }
        return new FetchReport(records, unfinished, retryAfter);
    }

    /** A request's pages (one, unless it paginates), and whether its chain reached its end. */
    private record Chain(List<BronzeRecord> pages, boolean complete) {}

    /** Carries what {@link Progress} threw out of a chain's thread, so it is not taken for the request's own error. */
    private static final class ProgressFailed extends RuntimeException {
        ProgressFailed(RuntimeException cause) {
            super(cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }

    private static void tell(Progress progress, BronzeRecord record, URI next) throws InterruptedException {
        try {
            progress.fetched(record, next);
        } catch (RuntimeException e) {
            throw new ProgressFailed(e);
        }
    }

    /**
     * Fetches a request and, if it paginates, its pages one after another: each page its own record,
     * the chain ending at its last page, an answer that is not a 2xx, maxPages, a next link that cannot
     * be followed (not a URL, to another host unless allowed, back to a page already fetched) or an
     * unexpected error, each of these last recorded as the error of the page it happened on, so the
     * pages before it stay. A chain with a cursor starts at the cursor's page.
     */
    private Chain fetchChain(RunRef run, RequestSpec request, ChainCursor cursor, FetchConfig config, RetryPolicy retry,
                             Semaphore inFlight, HostLimiter host, Instant startDeadline, Progress progress)
            throws InterruptedException {
        Paginate paginate = request.paginate();
        if (paginate == null) {
            // The body's share of the budget goes back once its record is kept, not before.
            try (BodyBudget.Share share = budget.share()) {
                BronzeRecord record;
                try {
                    record = fetchOne(run, request, config, retry, inFlight, host, startDeadline, share);
                } catch (RuntimeException e) {
                    record = unsent(run, request, e);
                }
                if (record == null) {
                    return new Chain(List.of(), false);
                }
                tell(progress, record, null);
                return new Chain(List.of(progress.keepsBodies() ? record.withoutBody() : record), true);
            }
        }
        Set<URI> seen = cursor == null ? new HashSet<>() : new HashSet<>(cursor.fetched());
        List<BronzeRecord> pages = new ArrayList<>();
        int page = cursor == null ? 0 : cursor.page();
        URI first;
        try {
            first = Pagination.first(paginate, request.url());
        } catch (RuntimeException e) {
            BronzeRecord record = unsent(run, request, e).withPage(page);
            tell(progress, record, null);
            return new Chain(List.of(record), true);
        }
        URI url = cursor == null ? first : cursor.next();
        for (; ; page++) {
            try (BodyBudget.Share share = budget.share()) {
                BronzeRecord record;
                URI goOn = null;
                try {
                    record = fetchOne(run, request.at(url), config, retry, inFlight, host, startDeadline, share);
                    if (record == null) {
                        return new Chain(pages, false);
                    }
                    record = record.withPage(page);
                    seen.add(url);
                    if (record.status() != null && record.status() >= 200 && record.status() < 300) {
                        String refusal;
                        try {
                            Optional<URI> next = Pagination.next(paginate, first, url, record, page);
                            refusal = next.isEmpty() ? null : refusal(paginate, request, next.get(), page, seen, config.allowLinkLocal());
                            goOn = refusal == null ? next.orElse(null) : null;
                        } catch (RuntimeException bad) {
                            // The page's answer stays as it came; its chain ends here, saying why.
                            refusal = (bad instanceof Pagination.BadNextLink ? bad.getMessage()
                                    : "next page could not be worked out: " + describe(bad)) + "; next page not fetched";
                        }
                        if (refusal != null) {
                            record = record.withError(refusal);
                        }
                    }
                } catch (RuntimeException e) {
                    // Anything else that goes wrong on this page ends the chain here, in this page's record.
                    record = unsent(run, request.at(url), e).withPage(page);
                    goOn = null;
                }
                tell(progress, record, goOn);
                pages.add(progress.keepsBodies() ? record.withoutBody() : record);
                if (goOn == null) {
                    return new Chain(pages, true);
                }
                url = goOn;
            }
        }
    }

    /** The record of a request that could not be sent or read for a reason no retry changes (a refused header, say). */
    private BronzeRecord unsent(RunRef run, RequestSpec request, RuntimeException e) {
        return failed(run, request, clock.instant(), 0, 0, "request failed unexpectedly, not retried: " + describe(e));
    }

    /**
     * Why a chain must not follow {@code next} after page {@code page}, or null when it may. A link-local or
     * metadata next link is refused whatever allowHosts says (a job's allowHosts predating validation, a
     * message from an older dispatcher): only {@code fetch.allowLinkLocal} opens those.
     */
    static String refusal(Paginate paginate, RequestSpec request, URI next, int page, Set<URI> seen, boolean allowLinkLocal) {
        String nextHost = next.getHost() == null ? "" : next.getHost().toLowerCase(Locale.ROOT);
        // A link's user info is a credential the API handed out: it goes neither out again nor into bronze.
        String shown = next.getRawUserInfo() == null ? next.toString() : next.toString().replace(next.getRawUserInfo() + "@", "***@");
        if (next.getRawUserInfo() != null) {
            return "next link with a user name or password refused: " + shown;
        } else if (page + 1 >= paginate.maxPages()) {
            return "maxPages (" + paginate.maxPages() + ") reached; next page not fetched: " + shown;
        } else if (!allowLinkLocal && LinkLocal.isLinkLocalOrMetadata(nextHost)) {
            return "next link to a link-local or instance-metadata address refused (only fetch.allowLinkLocal allows it): " + shown;
        } else if (!nextHost.equalsIgnoreCase(request.url().getHost()) && !paginate.allowHosts().contains(nextHost)) {
            return "next link to another host refused (add it to paginate.allowHosts to follow it): " + shown;
        } else if (!"http".equalsIgnoreCase(next.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
            return "next link is not http(s), refused: " + shown;
        } else if (seen.contains(next)) {
            return "pagination cycle: the next link " + shown + " was already fetched in this chain";
        }
        return null;
    }

    /**
     * Returns null when the deadline came before the request could finish: before its first attempt,
     * or between retries. Handed back, it is tried again in the next invocation (a page of a chain as
     * well, so that a retry at the deadline does not end a long chain), never turned into an error.
     */
    private BronzeRecord fetchOne(RunRef run, RequestSpec request, FetchConfig config, RetryPolicy retry,
                                  Semaphore inFlight, HostLimiter host, Instant startDeadline, BodyBudget.Share share)
            throws InterruptedException {
        Instant firstStart = null;
        long startNanos = 0;
        String lastError = null;
        for (int attempt = 1; ; attempt++) {
            if (clock.instant().isAfter(startDeadline)) {
                return null;
            }
            if (!takePermits(inFlight, host, startDeadline)) {
                return null; // the host asked for a pause that outlasts this invocation: hand it back
            }
            HttpResponse<LimitedBody> response = null;
            try {
                try {
                    if (firstStart == null && clock.instant().isAfter(startDeadline)) {
                        return null; // queued behind the caps until the deadline: hand it back unstarted
                    }
                    if (firstStart == null) {
                        firstStart = clock.instant();
                        startNanos = System.nanoTime();
                    }
                    // Checked at every attempt, page and next link, right before the client's own
                    // lookup, which the JVM's address cache then answers the same.
                    String refused = destinations.refusal(request.url(), config);
                    if (refused != null) {
                        return failed(run, request, firstStart, elapsedMillis(startNanos), attempt, refused);
                    }
                    response = send(request, config, share);
                    // Learned before this request gives up its place at the host, so that the next request
                    // already waiting for that place obeys a 429 or a Retry-After instead of racing it.
                    learn(host, retry, response);
                } finally {
                    host.release();
                }
            } catch (IOException | TimeoutException e) {
                lastError = describe(e);
            } finally {
                inFlight.release();
            }
            boolean retryable = response == null || retry.retryable(response.statusCode());
            if (!retryable || attempt >= retry.maxAttempts()) {
                return response != null
                        ? answered(run, request, response, config, firstStart, elapsedMillis(startNanos), attempt,
                        retryable ? "gave up after " + attempt + " attempts" : null)
                        : failed(run, request, firstStart, elapsedMillis(startNanos), attempt,
                        "no response after " + attempt + " attempts: " + lastError);
            }
            share.release(); // this answer is dropped for a retry: its body's share goes back
            Duration wait = retry.backoff(attempt);
            if (response != null) {
                lastError = "HTTP " + response.statusCode();
                Optional<Duration> retryAfter = retry.retryAfter(response.headers().firstValue("Retry-After").orElse(null));
                if (retryAfter.isPresent()) {
                    wait = retryAfter.get();
                }
            }
            if (clock.instant().plus(wait).isAfter(startDeadline)) {
                // A long Retry-After (or backoff) must not keep the worker past its deadline, where it
                // is cut off: the next invocation retries it, after the host's pause.
                return null;
            }
            Thread.sleep(wait);
        }
    }

    /**
     * Takes the worker's in-flight permit and the host's, waiting out a host's Retry-After pause with
     * neither held, so that requests to other hosts go on meanwhile. False, holding nothing, when the
     * pause ends after {@code startDeadline}: the request goes back for a later delivery at once rather
     * than sleep to the deadline.
     */
    private boolean takePermits(Semaphore inFlight, HostLimiter host, Instant startDeadline) throws InterruptedException {
        while (true) {
            Duration pause = host.pauseLeft();
            if (pause.isPositive()) {
                if (clock.instant().plus(pause).isAfter(startDeadline)) {
                    return false;
                }
                Thread.sleep(pause);
                continue;
            }
            inFlight.acquire();
            if (host.acquireUnlessPaused()) {
                return true;
            }
            inFlight.release();
        }
    }

    /** A 429 slows the host down, any other answer lets it speed up again; a Retry-After quiets the whole host. */
    private static void learn(HostLimiter host, RetryPolicy retry, HttpResponse<LimitedBody> response) {
        if (response.statusCode() == 429) {
            host.throttled();
        } else {
            host.succeeded();
        }
        if (retry.retryable(response.statusCode())) {
            retry.retryAfter(response.headers().firstValue("Retry-After").orElse(null))
                    .ifPresent(quiet -> host.pause(quiet.toNanos()));
        }
    }

    private HttpResponse<LimitedBody> send(RequestSpec request, FetchConfig config, BodyBudget.Share share)
            throws IOException, TimeoutException, InterruptedException {
        int timeoutSeconds = config.timeoutSeconds();
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.url()).timeout(Duration.ofSeconds(timeoutSeconds));
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

    private BronzeRecord answered(RunRef run, RequestSpec request, HttpResponse<LimitedBody> response, FetchConfig config,
                                  Instant fetchedAt, long durationMs, int attempts, String error) {
        HttpHeaders headers = response.headers();
        LimitedBody received = response.body();
        JsonNode body;
        String encoding;
        if (received.truncated()) {
            // Half a JSON document is not JSON, and half a gzip stream does not inflate: keep the bytes.
            BodyDecoder.Decoded raw = decoder.decode(received.bytes(), "application/octet-stream");
            body = raw.body();
            encoding = raw.encoding();
            error = "body truncated at " + config.maxResponseBytes() + " bytes (fetch.maxResponseBytes)"
                    + (error == null ? "" : "; " + error);
        } else {
            try {
                LimitedBody inflated = BodyDecoder.uncompress(received.bytes(),
                        headers.firstValue("Content-Encoding").orElse(null), config.maxResponseBytes());
                BodyDecoder.Decoded decoded = decoder.decode(inflated.bytes(),
                        inflated.truncated() ? "application/octet-stream" : headers.firstValue("Content-Type").orElse(null));
                body = decoded.body();
                encoding = decoded.encoding();
                if (inflated.truncated()) {
                    error = "body too large: it inflates past " + config.maxResponseBytes()
                            + " bytes (fetch.maxResponseBytes); truncated there" + (error == null ? "" : "; " + error);
                }
            } catch (IOException e) {
                BodyDecoder.Decoded raw = decoder.decode(received.bytes(), "application/octet-stream");
                body = raw.body();
                encoding = raw.encoding();
                error = "body could not be decompressed: " + e.getMessage();
            }
        }
        return new BronzeRecord(run.runId(), run.source(), request.id(), request.method(), request.url().toString(),
                response.statusCode(), responseHeaders(headers, config.redactHeaders()), body, encoding, fetchedAt,
                durationMs, attempts, error, 0);
    }

    private BronzeRecord failed(RunRef run, RequestSpec request, Instant fetchedAt, long durationMs, int attempts, String error) {
        return new BronzeRecord(run.runId(), run.source(), request.id(), request.method(), request.url().toString(),
                null, Map.of(), null, null, fetchedAt, durationMs, attempts, error, 0);
    }

    private static Map<String, String> responseHeaders(HttpHeaders headers, List<String> alsoSensitive) {
        Map<String, String> kept = new TreeMap<>();
        headers.map().forEach((name, values) -> {
            if (name.startsWith(":")) {
                return;
            }
            String key = name.toLowerCase(Locale.ROOT);
            kept.put(key, Redaction.isSensitive(key, alsoSensitive) ? Redaction.REDACTED : String.join(", ", values));
        });
        return kept;
    }

    private static long elapsedMillis(long startNanos) {
        return startNanos == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
