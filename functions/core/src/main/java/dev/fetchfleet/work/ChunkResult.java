package dev.fetchfleet.work;

import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.run.Success;
import java.util.Map;
import java.util.Optional;

/**
 * What one chunk's processing produced, for logs and metrics: requests by status, how many got a
 * response and how many ended without one, their mean and longest latency, and the run's
 * {@code _SUCCESS} if this chunk was the last. {@code throttled} counts every 429 answer, retried ones too
 * (the records keep only a request's last answer), and {@code retryAfterPauses} the answers whose
 * Retry-After paused their host, in this invocation.
 */
public record ChunkResult(RunRef run, int chunk, int requests, Map<String, Long> statusCounts, int responded,
                          int failed, double meanLatencyMs, long maxLatencyMs, long durationMs,
                          Optional<Success> runCompleted, int throttled, int retryAfterPauses) {
}
