package dev.fetchfleet.job;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a worker fetches a job's requests: its caps, timeouts and retry policy.
 *
 * @param hosts            per-host overrides of {@code perHost}, keyed by host name (or host:port)
 * @param maxResponseBytes bodies past this are cut and the record says so
 * @param redactHeaders    header names, beyond the usual ones, whose values never reach bronze
 * @param allowLinkLocal   let requests go to link-local and instance-metadata addresses (refused otherwise)
 * @param allowPrivateNetworks let requests go to private addresses (RFC 1918, unique-local, carrier-grade
 *                         NAT) where the worker leaves that to the job; loopback only where the worker allows it
 */
public record FetchConfig(int maxInFlight, PerHost perHost, Map<String, PerHost> hosts, int timeoutSeconds, Retry retry,
                          long maxResponseBytes, List<String> redactHeaders, boolean allowLinkLocal,
                          boolean allowPrivateNetworks) {

    public static final long DEFAULT_MAX_RESPONSE_BYTES = 10L * 1024 * 1024;
    public static final FetchConfig DEFAULT = new FetchConfig(256, PerHost.DEFAULT, 30, Retry.DEFAULT);

    public FetchConfig {
        hosts = hosts == null ? Map.of() : Map.copyOf(hosts);
        redactHeaders = redactHeaders == null ? List.of() : List.copyOf(redactHeaders);
        perHost = perHost == null ? PerHost.DEFAULT : perHost;
        retry = retry == null ? Retry.DEFAULT : retry;
        maxResponseBytes = maxResponseBytes <= 0 ? DEFAULT_MAX_RESPONSE_BYTES : maxResponseBytes;
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
     * Caps that apply to all of one worker's requests to one host, and optionally the API's own limits
     * across the whole fleet ({@code apiMaxConcurrency}, {@code apiRequestsPerSecond}), which the
     * dispatcher checks against the deployed worker concurrency.
     */
    public record PerHost(int maxConcurrency, double requestsPerSecond, Integer apiMaxConcurrency, Double apiRequestsPerSecond) {
        public static final PerHost DEFAULT = new PerHost(32, 50);

        public PerHost(int maxConcurrency, double requestsPerSecond) {
            this(maxConcurrency, requestsPerSecond, null, null);
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
