package dev.fetchfleet.job;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the fleet fetches a job's requests: the API's caps, timeouts and retry policy. {@code perHost} and
 * {@code hosts} are the API's own limits across the whole fleet; {@link #sharedBy(int)} gives the part
 * of them one worker may use. {@code maxInFlight} is one worker's own bound (its sockets).
 *
 * @param hosts            per-host overrides of {@code perHost}, keyed by host name (or host:port)
 * @param maxResponseBytes bodies past this are cut and the record says so
 * @param redactHeaders    header names, beyond the usual ones, whose values never reach bronze
 * @param allowLinkLocal   let requests go to link-local and instance-metadata addresses (refused otherwise)
 * @param allowPrivateNetworks let requests go to private addresses (RFC 1918, unique-local, carrier-grade
 *                         NAT) where the worker leaves that to the job; loopback only where the worker allows it
 * @param checkpointIntervalMillis how often a worker writes what its chunk fetched since the last write: a
 *                         killed worker fetches again at most what was in flight and this long's answers
 * @param auth             how requests prove who they are (null: as their headers say), values as written
 */
public record FetchConfig(int maxInFlight, PerHost perHost, Map<String, PerHost> hosts, int timeoutSeconds, Retry retry,
                          long maxResponseBytes, List<String> redactHeaders, boolean allowLinkLocal,
                          boolean allowPrivateNetworks, long checkpointIntervalMillis,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Auth auth) {

    public static final long DEFAULT_MAX_RESPONSE_BYTES = 10L * 1024 * 1024;
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MILLIS = 1_000;
    public static final FetchConfig DEFAULT = new FetchConfig(256, PerHost.DEFAULT, 30, Retry.DEFAULT);

    public FetchConfig {
        hosts = hosts == null ? Map.of() : Map.copyOf(hosts);
        redactHeaders = redactHeaders == null ? List.of() : List.copyOf(redactHeaders);
        perHost = perHost == null ? PerHost.DEFAULT : perHost;
        retry = retry == null ? Retry.DEFAULT : retry;
        maxResponseBytes = maxResponseBytes <= 0 ? DEFAULT_MAX_RESPONSE_BYTES : maxResponseBytes;
        // 0: a chunk message from a dispatcher that did not know the setting.
        checkpointIntervalMillis = checkpointIntervalMillis <= 0 ? DEFAULT_CHECKPOINT_INTERVAL_MILLIS : checkpointIntervalMillis;
    }

    public FetchConfig(int maxInFlight, PerHost perHost, Map<String, PerHost> hosts, int timeoutSeconds, Retry retry,
                       long maxResponseBytes, List<String> redactHeaders, boolean allowLinkLocal, boolean allowPrivateNetworks) {
        this(maxInFlight, perHost, hosts, timeoutSeconds, retry, maxResponseBytes, redactHeaders, allowLinkLocal,
                allowPrivateNetworks, DEFAULT_CHECKPOINT_INTERVAL_MILLIS, null);
    }

    /** This config with requests authenticated by {@code newAuth}. */
    public FetchConfig withAuth(Auth newAuth) {
        return new FetchConfig(maxInFlight, perHost, hosts, timeoutSeconds, retry, maxResponseBytes, redactHeaders,
                allowLinkLocal, allowPrivateNetworks, checkpointIntervalMillis, newAuth);
    }

    public FetchConfig(int maxInFlight, PerHost perHost, Map<String, PerHost> hosts, int timeoutSeconds, Retry retry,
                       long maxResponseBytes, List<String> redactHeaders, boolean allowLinkLocal) {
        this(maxInFlight, perHost, hosts, timeoutSeconds, retry, maxResponseBytes, redactHeaders, allowLinkLocal, false);
    }

    public FetchConfig(int maxInFlight, PerHost perHost, int timeoutSeconds, Retry retry) {
        this(maxInFlight, perHost, Map.of(), timeoutSeconds, retry, DEFAULT_MAX_RESPONSE_BYTES, List.of(), false);
    }

    /** The caps for one host: its override when the job gives one (by host:port, then host), else perHost. */
    public PerHost capsFor(String host, int port) {
        String name = host.toLowerCase(Locale.ROOT);
        PerHost caps = port == -1 ? null : hosts.get(name + ":" + port);
        if (caps == null && port == -1) {
            // A URL without a port still goes to 443 or 80: a key written with either port applies to it.
            caps = hosts.getOrDefault(name + ":443", hosts.get(name + ":80"));
        }
        if (caps == null) {
            caps = hosts.get(name);
        }
        return caps != null ? caps : perHost;
    }

    /**
     * This config with every host's caps divided among {@code lanes} chunks that may fetch at once: what
     * one worker may use, so that the fleet together never passes the API's limits. The dispatcher
     * picks {@code lanes} no larger than any cap, so every share is at least one request in flight and
     * one start a second.
     */
    public FetchConfig sharedBy(int lanes) {
        Map<String, PerHost> shared = new java.util.HashMap<>();
        hosts.forEach((name, caps) -> shared.put(name, caps.sharedBy(lanes)));
        // The canonical constructor, every field named: a share must change the caps and nothing else.
        return new FetchConfig(maxInFlight, perHost.sharedBy(lanes), shared, timeoutSeconds, retry, maxResponseBytes,
                redactHeaders, allowLinkLocal, allowPrivateNetworks, checkpointIntervalMillis, auth);
    }

    /**
     * What one API allows across the whole fleet: requests in flight at once, and starts per second
     * (no one-second window holds more).
     */
    public record PerHost(int maxConcurrency, double requestsPerSecond) {
        public static final PerHost DEFAULT = new PerHost(32, 50);

        /**
         * One lane's part. A whole number of starts a second where the share is one or more: a worker
         * spaces its starts 1/rate apart (and a little more), which puts at most ⌊rate⌋ starts in any
         * one-second window only when the rate is whole, so lanes × share never passes the cap.
         */
        public PerHost sharedBy(int lanes) {
            int n = Math.max(1, lanes);
            double rate = requestsPerSecond / n;
            return new PerHost(Math.max(1, maxConcurrency / n), rate >= 1 ? Math.floor(rate) : rate);
        }

        /** The most lanes these caps can be shared by with every lane keeping at least one of each. */
        public int maxLanes() {
            return (int) Math.max(1, Math.min(maxConcurrency, Math.floor(requestsPerSecond)));
        }
    }

    /**
     * Exponential backoff with full jitter, capped; attempts counts the first try. 429, 502, 503, 504,
     * connection errors and timeouts are always retried; 500 when {@code retryOn500}.
     */
    public record Retry(int maxAttempts, long baseDelayMillis, long maxDelayMillis, boolean retryOn500) {
        public static final Retry DEFAULT = new Retry(5, 250, 30_000);

        public Retry(int maxAttempts, long baseDelayMillis, long maxDelayMillis) {
            this(maxAttempts, baseDelayMillis, maxDelayMillis, true);
        }
    }
}
