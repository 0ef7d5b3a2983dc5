package dev.fetchfleet.job;

/** How a worker fetches a job's requests: its caps, timeout and retry policy. */
public record FetchConfig(int maxInFlight, PerHost perHost, int timeoutSeconds, Retry retry) {

    public static final FetchConfig DEFAULT = new FetchConfig(256, PerHost.DEFAULT, 30, Retry.DEFAULT);

    /** Caps that apply to all of one worker's requests to one host. */
    public record PerHost(int maxConcurrency, double requestsPerSecond) {
        public static final PerHost DEFAULT = new PerHost(32, 50);
    }

    /** Exponential backoff with full jitter, capped; attempts counts the first try. */
    public record Retry(int maxAttempts, long baseDelayMillis, long maxDelayMillis) {
        public static final Retry DEFAULT = new Retry(5, 250, 30_000);
    }
}
