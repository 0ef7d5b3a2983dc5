package dev.fetchfleet.fetch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.Paginate;
import dev.fetchfleet.job.RequestSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import dev.fetchfleet.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a chunk's requests concurrently, one virtual thread each, within the worker's in-flight cap
 * and each host's concurrency and rate caps, retrying what is worth retrying. Every request ends as a
 * bronze record, unless the deadline came before it could start.
 */
public final class Fetcher {

    private final HttpSender sender;
    private final Clock clock;
    private final Ticker ticker;
    private final ResponseRecords responses;
    /** Per host and caps, for the life of the worker: a warm Lambda keeps its politeness across chunks. */
    private final Map<String, HostLimiter> hosts = new ConcurrentHashMap<>();
    private final SecretReferences.Store secrets;
    private final Destinations destinations;
    /** Shared by every chunk the worker fetches: the bound is on the worker's memory, not a chunk's. */
    private final BodyBudget budget = BodyBudget.forHeap(Runtime.getRuntime().maxMemory());
    /** This worker's OAuth2 tokens, one cache per auth block as written: kept across chunks, like a warm Lambda's connections. */
    private final Map<dev.fetchfleet.job.Auth, OAuth2Tokens> tokens = new ConcurrentHashMap<>();
    private final HttpClient http;
    private final ObjectMapper mapper;

    public Fetcher(HttpClient http, ObjectMapper mapper, Clock clock) {
        this(http, mapper, clock, SecretReferences.NONE);
    }

    /** A fetcher that reaches private networks and loopback: the local runner's, and tests'. */
    public Fetcher(HttpClient http, ObjectMapper mapper, Clock clock, SecretReferences.Store secrets) {
        this(http, mapper, clock, secrets, Destinations.LOCAL);
    }

    public Fetcher(HttpClient http, ObjectMapper mapper, Clock clock, SecretReferences.Store secrets,
                   Destinations destinations) {
        this(http, mapper, clock, Ticker.SYSTEM, secrets, destinations);
    }

    /** {@code ticker}: what spaces and measures requests (rates, pauses, backoff, durations); {@code clock} dates them. */
    public Fetcher(HttpClient http, ObjectMapper mapper, Clock clock, Ticker ticker, SecretReferences.Store secrets,
                   Destinations destinations) {
        this.ticker = ticker;
        this.sender = new HttpSender(http);
        this.http = http;
        this.mapper = mapper;
        this.destinations = destinations;
        this.clock = clock;
        this.responses = new ResponseRecords(new BodyDecoder(mapper), clock);
        this.secrets = secrets;
    }

    /** One HTTP client per worker (see {@link HttpSender#newHttpClient(Duration)}). */
    public static HttpClient newHttpClient(Duration connectTimeout) {
        return HttpSender.newHttpClient(connectTimeout);
    }

    /**
     * Fetches all requests; none is started after {@code startDeadline}. Records come back in the
     * order of {@code requests}.
     */
    public FetchReport fetchAll(RunRef run, List<RequestSpec> requests, FetchConfig config, Instant startDeadline) {
        return fetchAll(run, requests, Map.of(), config, startDeadline, FetchProgress.NONE);
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
                                FetchConfig config, Instant startDeadline, FetchProgress told) {
        Watched progress = new Watched(told);
        Semaphore inFlight = new Semaphore(config.maxInFlight(), true);
        RetryPolicy retry = new RetryPolicy(config.retry(), clock);
        // Resolved before any request starts: a secret that cannot be read fails the chunk (to be
        // redelivered), rather than turning every request into a terminal error.
        Map<String, String> resolved = new java.util.HashMap<>();
        List<RequestSpec> sendable = requests.stream().map(r -> SecretReferences.resolve(r, secrets, resolved)).toList();
        Credentials credentials = Credentials.resolve(config.auth(), secrets, resolved, config.auth() instanceof dev.fetchfleet.job.Auth.OAuth2
                ? tokens.computeIfAbsent(config.auth(), a -> new OAuth2Tokens(http, mapper, clock, destinations)) : null);
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
                        k -> new HostLimiter(caps.maxConcurrency(), caps.requestsPerSecond(), ticker));
                hostOf.add(host);
                try {
                    slots.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while fetching", e);
                }
                futures.add(threads.submit(() -> {
                    try {
                        return fetchChain(run, request, resumeAt.get(request.id()), config, credentials, retry, inFlight, host,
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

    /** Carries what {@link FetchProgress} threw out of a chain's thread, so it is not taken for the request's own error. */
    private static final class ProgressFailed extends RuntimeException {
        ProgressFailed(RuntimeException cause) {
            super(cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }

    private static void tell(Watched progress, BronzeRecord record, PageAddress next) throws InterruptedException {
        try {
            if (next == null) {
                progress.told.fetched(record, null);
            } else {
                progress.told.fetched(record, next.url(), next.token());
            }
        } catch (RuntimeException e) {
            progress.failed = true;
            throw new ProgressFailed(e);
        } catch (Error e) {
            progress.failed = true;
            throw e;
        }
    }

    /**
     * The progress a fetch tells, and whether a telling has failed: the chunk is then handed back whatever its
     * other requests answer, so none is started after that (a checkpoint store in an outage would otherwise
     * have the API asked for every request left, each answer thrown away and asked for again on redelivery).
     */
    private static final class Watched {
        private final FetchProgress told;
        private volatile boolean failed;

        Watched(FetchProgress told) {
            this.told = told;
        }

        boolean keepsBodies() {
            return told.keepsBodies();
        }

        void answered(int status, boolean pausedHost) {
            told.answered(status, pausedHost);
        }
    }

    /**
     * Fetches a request and, if it paginates, its pages one after another: each page its own record,
     * the chain ending at its last page, an answer that is not a 2xx, maxPages, a next link that cannot
     * be followed (not a URL, to another host unless allowed, back to a page already fetched) or an
     * unexpected error, each of these last recorded as the error of the page it happened on, so the
     * pages before it stay. A chain with a cursor starts at the cursor's page.
     */
    private Chain fetchChain(RunRef run, RequestSpec request, ChainCursor cursor, FetchConfig config, Credentials credentials,
                             RetryPolicy retry, Semaphore inFlight, HostLimiter host, Instant startDeadline, Watched progress)
            throws InterruptedException {
        Paginate paginate = request.paginate();
        if (paginate == null) {
            // The body's share of the budget goes back once its record is kept, not before.
            try (BodyBudget.Share share = budget.share()) {
                BronzeRecord record;
                try {
                    record = fetchOne(run, request, config, credentials, retry, inFlight, host, startDeadline, share, progress);
                } catch (RuntimeException e) {
                    record = responses.unsent(run, request, e);
                }
                if (record == null) {
                    return new Chain(List.of(), false);
                }
                tell(progress, record, null);
                return new Chain(List.of(progress.keepsBodies() ? record.withoutBody() : record), true);
            }
        }
        Set<URI> seen = new HashSet<>();
        if (cursor != null) {
            cursor.fetched().forEach(recorded -> seen.add(credentials.chained(recorded)));
        }
        // Cursors sent in a body or header share one URL: a cycle among them is one of tokens (this invocation's).
        Set<String> seenTokens = new HashSet<>();
        List<BronzeRecord> pages = new ArrayList<>();
        int page = cursor == null ? 0 : cursor.page();
        PageAddress first;
        try {
            first = Pagination.first(paginate, request.url());
        } catch (RuntimeException e) {
            BronzeRecord record = responses.unsent(run, request, e).withPage(page);
            tell(progress, record, null);
            return new Chain(List.of(record), true);
        }
        PageAddress at = cursor == null ? first : new PageAddress(cursor.next(), cursor.nextToken());
        // The previous page's record, still being told (spilled, checkpointed) while this page is fetched.
        Telling telling = Telling.NONE;
        for (; ; page++) {
            BodyBudget.Share share = budget.share();
            boolean shareHandedOn = false;
            try {
                BronzeRecord record;
                PageAddress goOn = null;
                try {
                    record = fetchOne(run, Pagination.request(paginate, request, at), config, credentials, retry, inFlight, host,
                            startDeadline, share, progress);
                    if (record == null) {
                        telling.await();
                        return new Chain(pages, false);
                    }
                    record = record.withPage(page);
                    if (at.token() == null) {
                        seen.add(at.url());
                    } else {
                        seenTokens.add(at.token());
                    }
                    if (record.status() != null && record.status() >= 200 && record.status() < 300) {
                        String refusal;
                        try {
                            // A query key the API echoed into its next link stays out of the chain (and its checkpoint).
                            Optional<PageAddress> next = Pagination.next(paginate, first.url(), at.url(), record, page)
                                    .map(n -> new PageAddress(credentials.chained(n.url()), n.token()));
                            refusal = next.isEmpty() ? null : NextLinks.refusal(paginate, request, next.get().url(), page,
                                    next.get().token() == null ? seen : Set.of(), config.allowLinkLocal());
                            if (refusal == null && next.isPresent() && seenTokens.contains(next.get().token())) {
                                refusal = "pagination cycle: the next " + paginate.type() + " " + next.get().token()
                                        + " was already sent in this chain";
                            }
                            goOn = refusal == null ? next.orElse(null) : null;
                        } catch (RuntimeException bad) {
                            // The page's answer stays as it came; its chain ends here, saying why.
                            refusal = (bad instanceof Pagination.BadNextLink ? bad.getMessage()
                                    : "next page could not be worked out: " + ResponseRecords.describe(bad)) + "; next page not fetched";
                        }
                        if (refusal != null) {
                            record = record.withError(refusal);
                        }
                    }
                } catch (RuntimeException e) {
                    // Anything else that goes wrong on this page ends the chain here, in this page's record.
                    record = responses.unsent(run, request.at(at.url()), e).withPage(page);
                    goOn = null;
                }
                // Told in page order: the previous page first (a checkpoint's cursor for a chain is its latest).
                telling.await();
                pages.add(progress.keepsBodies() ? record.withoutBody() : record);
                if (goOn == null) {
                    tell(progress, record, null);
                    return new Chain(pages, true);
                }
                // The next page goes out while this one is told: spilling and checkpointing a record is the
                // client's own time between an answer and the next request, which every page of a chain
                // would otherwise wait for (measured in the API's gaps). Killed before it is told, the page is
                // fetched again after a resume, as an answer of the last interval would be; its body's share
                // of the budget is held until it is told.
                telling = Telling.start(progress, record, goOn, share);
                shareHandedOn = true;
                at = goOn;
            } finally {
                if (!shareHandedOn) {
                    share.close();
                }
            }
        }
    }

    /** A page's record being told on a thread of its own; {@link #await()} rethrows what the telling threw. */
    private record Telling(java.util.concurrent.CompletableFuture<Void> done) {
        static final Telling NONE = new Telling(java.util.concurrent.CompletableFuture.completedFuture(null));

        static Telling start(Watched progress, BronzeRecord record, PageAddress next, BodyBudget.Share share) {
            return new Telling(java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (share) {
                    tell(progress, record, next);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, task -> Thread.ofVirtual().name("tell").start(task)));
        }

        void await() throws InterruptedException {
            try {
                done.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : e.getCause();
                if (cause instanceof InterruptedException interrupted) {
                    throw interrupted;
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(cause);
            }
        }
    }

    /**
     * Returns null when the deadline came before the request could finish: before its first attempt,
     * or between retries. Handed back, it is tried again in the next invocation (a page of a chain as
     * well, so that a retry at the deadline does not end a long chain), never turned into an error.
     */
    private BronzeRecord fetchOne(RunRef run, RequestSpec request, FetchConfig config, Credentials credentials, RetryPolicy retry,
                                  Semaphore inFlight, HostLimiter host, Instant startDeadline, BodyBudget.Share share,
                                  Watched progress)
            throws InterruptedException {
        RequestSpec recorded = request.withUrl(credentials.recorded(request.url()));
        boolean renewed = false;
        Instant firstStart = null;
        long startNanos = 0;
        String lastError = null;
        for (int attempt = 1; ; attempt++) {
            Duration tokenPause = null;
            if (clock.instant().isAfter(startDeadline) || progress.failed) {
                return null; // handed back: the deadline, or the chunk already failed (see Watched)
            }
            if (!host.acquire(inFlight, clock, startDeadline)) {
                return null; // the host asked for a pause that outlasts this invocation: hand it back
            }
            HttpResponse<LimitedBody> response = null;
            Credentials.Signed signed = null;
            try {
                try {
                    if (firstStart == null && (clock.instant().isAfter(startDeadline) || progress.failed)) {
                        return null; // queued behind the caps until the deadline (or a failed telling): hand it back unstarted
                    }
                    if (firstStart == null) {
                        firstStart = clock.instant();
                        startNanos = ticker.nanoTime();
                    }
                    // Checked at every attempt, page and next link, right before the client's own
                    // lookup, which the JVM's address cache then answers the same.
                    String refused = destinations.refusal(request.url(), config);
                    if (refused != null) {
                        return responses.failed(run, recorded, firstStart, elapsedMillis(startNanos), attempt, refused);
                    }
                    signed = credentials.sign(request, config);
                    response = sender.send(signed.wire(), config, share);
                    // Learned before this request gives up its place at the host, so that the next request
                    // already waiting for that place obeys a 429 or a Retry-After instead of racing it.
                    boolean retryable = retry.retryable(response.statusCode());
                    Optional<Duration> retryAfter = retry.retryAfter(response.headers().firstValue("Retry-After").orElse(null));
                    host.heard(response.statusCode(), retryable, retryAfter);
                    progress.answered(response.statusCode(), retryable && retryAfter.isPresent());
                } finally {
                    host.release();
                }
            } catch (IOException | TimeoutException e) {
                lastError = ResponseRecords.describe(e);
                tokenPause = e instanceof OAuth2Tokens.Throttled throttled ? throttled.waitLeft() : null;
                if (tokenPause != null) {
                    // No request to this host can go without a token: the host waits as the token endpoint
                    // asked, so a pause past the deadline hands the chunk back delayed by it, not at once.
                    host.pause(tokenPause.toNanos());
                }
            } finally {
                inFlight.release();
            }
            if (response != null && response.statusCode() == 401 && credentials.renewsOn401() && !renewed) {
                // Once per request, and not one of its attempts: the token ran out early, or was revoked.
                renewed = true;
                credentials.rejected(signed);
                share.release();
                attempt--;
                continue;
            }
            boolean retryable = response == null || retry.retryable(response.statusCode());
            if (!retryable || attempt >= retry.maxAttempts()) {
                return response != null
                        ? responses.answered(run, recorded, response, config, firstStart, elapsedMillis(startNanos), attempt,
                        retryable ? "gave up after " + attempt + " attempts" : null)
                        : responses.failed(run, recorded, firstStart, elapsedMillis(startNanos), attempt,
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
            } else if (tokenPause != null) {
                wait = tokenPause; // the token endpoint's Retry-After, as an API's own is obeyed
            }
            if (clock.instant().plus(wait).isAfter(startDeadline)) {
                // A long Retry-After (or backoff) must not keep the worker past its deadline, where it
                // is cut off: the next invocation retries it, after the host's pause.
                return null;
            }
            ticker.sleep(wait);
        }
    }

    private long elapsedMillis(long startNanos) {
        return startNanos == 0 ? 0 : ticker.millisSince(startNanos);
    }

    /** What this fetcher measures time with; the worker around it measures with the same. */
    public Ticker ticker() {
        return ticker;
    }
}
