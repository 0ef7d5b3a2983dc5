package dev.fetchfleet.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A slow, sometimes failing API on loopback, for the demo and for trying jobs offline:
 * {@code GET /items/{id}} answers after {@code latency}; a {@code failureRate} share of ids fails its
 * first attempt (429 with Retry-After: 1, 500 or 503, by id) and succeeds on the next. Guarded endpoints
 * (OAuth2, API key) are {@link DemoAuth}'s; paged lists and date windows {@link DemoLists}'; a list of issues
 * with a detail and a paged sub-list per issue (for jobs with children) {@link DemoIssues}'.
 */
public final class DemoApi implements AutoCloseable {

    /** {@code tokenLife}: how long an OAuth2 token of {@code /oauth/token} lives. */
    public record Options(Duration latency, double failureRate, long seed, Duration tokenLife) {
        public Options(Duration latency, double failureRate, long seed) {
            this(latency, failureRate, seed, Duration.ofMinutes(1));
        }
    }

    private final HttpServer server;
    private final Options options;
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicLong served = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    /** Arrival times (nanoTime) of the first calls, for the peak rate a benchmark reports. */
    private final java.util.Queue<Long> arrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicInteger arrivalCount = new AtomicInteger();
    /** When the first call came in and the last answer went out: the run as the API saw it. */
    private final AtomicLong firstArrivalNanos = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong firstArrivalEpochMillis = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastAnswerNanos = new AtomicLong(Long.MIN_VALUE);
    private static final int MAX_ARRIVALS_KEPT = 1_000_000;
    /** Where the time between a chain's pages goes, as the API sees it (see {@link FeedGaps}). */
    private volatile FeedGaps gaps = new FeedGaps();
    /** The clients' ports seen: how many connections a run opened (a port is reused only after its connection closed). */
    private final Set<Integer> connections = ConcurrentHashMap.newKeySet();

    private final DemoAuth auth;
    private final DemoLists lists;
    private final DemoIssues issues;

    private DemoApi(HttpServer server, Options options) {
        this.server = server;
        this.options = options;
        this.auth = new DemoAuth(this, options.tokenLife());
        this.lists = new DemoLists(this);
        this.issues = new DemoIssues(this);
    }

    /** The list-then-details endpoints' counts. */
    DemoIssues issues() {
        return issues;
    }

    /** The OAuth2 and API-key endpoints' counts. */
    DemoAuth auth() {
        return auth;
    }

    /** The paged lists' counts. */
    DemoLists lists() {
        return lists;
    }

    /**
     * The JDK server keeps at most 200 idle connections (and closes the rest as their answers go out),
     * so a fleet holding 400 in flight would reconnect half its requests every round: a cost a real
     * API's load balancer does not impose. Read once, when the server class first loads.
     */
    private static final String MAX_IDLE_CONNECTIONS = "sun.net.httpserver.maxIdleConnections";

    public static DemoApi start(int port, Options options) throws IOException {
        if (System.getProperty(MAX_IDLE_CONNECTIONS) == null) {
            System.setProperty(MAX_IDLE_CONNECTIONS, "20000");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        DemoApi api = new DemoApi(server, options);
        server.createContext("/items/", api::handle);
        server.createContext("/feed/", api::feed);
        server.createContext("/_stats", api::stats);
        api.auth.register(server);
        api.lists.register(server);
        api.issues.register(server);
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

    public int inFlight() {
        return inFlight.get();
    }

    /** The most calls that arrived within any one-second window (sliding, not per calendar second). */
    public int peakArrivalsPerSecond() {
        long[] times = arrivals.stream().mapToLong(Long::longValue).sorted().toArray();
        int peak = 0;
        int from = 0;
        for (int to = 0; to < times.length; to++) {
            while (times[to] - times[from] >= 1_000_000_000L) {
                from++;
            }
            peak = Math.max(peak, to - from + 1);
        }
        return peak;
    }

    /**
     * A paginated feed: {@code GET /feed/{chain}?pages=N&cursor=K} answers page K (0 when absent) of N
     * (default 5) after the latency, with {@code meta.next_cursor} until the last page.
     */
    private void feed(HttpExchange exchange) throws IOException {
        serve(exchange, () -> {
            String chain = exchange.getRequestURI().getPath().substring("/feed/".length());
            Map<String, String> query = new java.util.HashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    String[] kv = pair.split("=", 2);
                    query.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
            }
            int pages = Integer.parseInt(query.getOrDefault("pages", "5"));
            int cursor = Integer.parseInt(query.getOrDefault("cursor", "0"));
            gaps.arrived(chain, cursor);
            String next = cursor + 1 < pages ? "\"" + (cursor + 1) + "\"" : "null";
            return new Answer(200, "{\"chain\":\"" + chain + "\",\"items\":[{\"id\":\"" + chain + "-" + cursor
                    + "\",\"updated_at\":\"2026-11-27T00:00:00Z\"}],\"meta\":{\"next_cursor\":" + next + "}}", Map.of());
        });
    }

    /** Seconds from the first call in to the last answer out (0 before any answer): how long the API was busy with a run. */
    public double spanSeconds() {
        long first = firstArrivalNanos.get();
        long last = lastAnswerNanos.get();
        return last < first ? 0 : (last - first) / 1e9;
    }

    /** What a benchmark in another process reads: counts, peaks and the span, as JSON. */
    private void stats(HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpJson.send(exchange, 200, "{\"served\":" + served() + ",\"connections\":" + connections.size() + ",\"inFlight\":" + inFlight() + ",\"peakInFlight\":"
                    + peakInFlight() + ",\"peakArrivalsPerSecond\":" + peakArrivalsPerSecond() + ",\"tokenRequests\":"
                    + auth.tokenRequests() + ",\"unauthorized\":" + auth.unauthorized() + ",\"listCallsPastTheEnd\":"
                    + lists.pastTheEnd() + ",\"spanSeconds\":" + spanSeconds()
                    + ",\"firstArrivalEpochMillis\":" + (served() == 0 ? -1 : firstArrivalEpochMillis.get())
                    + ",\"activeSeconds\":" + spanSeconds() + ",\"feed\":" + gaps.json() + "}");
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        serve(exchange, () -> {
            String id = exchange.getRequestURI().getPath().substring("/items/".length());
            int attempt = attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (attempt == 1 && fails(id)) {
                int status = switch (Math.floorMod(id.hashCode(), 3)) {
                    case 0 -> 429;
                    case 1 -> 500;
                    default -> 503;
                };
                return new Answer(status, "{\"error\":\"try again\"}", status == 429 ? Map.of("Retry-After", "1") : Map.of());
            }
            return new Answer(200, "{\"id\":\"" + id + "\",\"name\":\"item " + id + "\",\"attempt\":" + attempt
                    + ",\"updated_at\":\"2026-11-27T00:00:00Z\"}", Map.of());
        });
    }

    record Answer(int status, String json, Map<String, String> headers) {}

    /**
     * One call as the API sees it: counted on arrival, answered after the latency. It is in flight until
     * its answer goes out: once that is sent the client may start the next one.
     */
    void serve(HttpExchange exchange, java.util.function.Supplier<Answer> answering) throws IOException {
        long arrived = System.nanoTime();
        connections.add(exchange.getRemoteAddress().getPort());
        if (firstArrivalNanos.compareAndSet(Long.MAX_VALUE, arrived)) {
            firstArrivalEpochMillis.set(System.currentTimeMillis());
        } else {
            firstArrivalNanos.accumulateAndGet(arrived, Math::min);
        }
        if (arrivalCount.incrementAndGet() <= MAX_ARRIVALS_KEPT) {
            arrivals.add(arrived);
        }
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
        boolean counted = true;
        try (exchange) {
            Answer answer = answering.get();
            Thread.sleep(options.latency());
            served.incrementAndGet();
            inFlight.decrementAndGet();
            counted = false;
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            if (exchange.getRequestURI().getPath().startsWith("/feed/")) {
                // Before the answer goes: once it has, the chain's next page may arrive before this line runs.
                gaps.answered(exchange.getRequestURI().getPath().substring("/feed/".length()), System.nanoTime());
            }
            HttpJson.send(exchange, answer.status(), answer.json());
            lastAnswerNanos.accumulateAndGet(System.nanoTime(), Math::max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
        }
    }

    /**
     * Answers {@code calls} calls of its own (feed pages and items, {@code concurrency} at a time), then
     * forgets them. The benchmarks start this API in a JVM of its own just before a run; a real API is
     * warm, so the run should not pay for this JVM's interpreter and JIT: measured, the API's first
     * answers otherwise add 40 to 180 ms to each chain's first pages.
     */
    public void warmUp(int calls, int concurrency) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < concurrency; c++) {
                String caller = "_warm-up-" + c;
                callers.submit(() -> {
                    for (int call = 0; call < calls / concurrency; call++) {
                        String path = call % 2 == 0 ? "/feed/" + caller + "?pages=1000000&cursor=" + call : "/items/" + caller + "-" + call;
                        http.send(HttpRequest.newBuilder(baseUrl().resolve(path)).build(), HttpResponse.BodyHandlers.discarding());
                    }
                    return null;
                });
            }
        }
        forget();
    }

    /** Forgets what it saw so far (not what is in flight): a benchmark's run is counted from here. */
    private void forget() {
        served.set(0);
        peakInFlight.set(inFlight.get());
        arrivals.clear();
        arrivalCount.set(0);
        firstArrivalNanos.set(Long.MAX_VALUE);
        firstArrivalEpochMillis.set(Long.MAX_VALUE);
        lastAnswerNanos.set(Long.MIN_VALUE);
        attempts.clear();
        connections.clear();
        gaps = new FeedGaps();
    }

    private boolean fails(String id) {
        long mixed = (id.hashCode() * 0x9E3779B97F4A7C15L) ^ options.seed();
        mixed ^= mixed >>> 29;
        mixed *= 0xBF58476D1CE4E5B9L;
        mixed ^= mixed >>> 32;
        return (mixed >>> 11) * 0x1.0p-53 < options.failureRate();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
