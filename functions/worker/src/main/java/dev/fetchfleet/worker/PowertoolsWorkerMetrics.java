package dev.fetchfleet.worker;

import dev.fetchfleet.work.ChunkResult;
import java.time.Duration;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/** CloudWatch metrics through Powertools' EMF logger, used through its functional API (no AspectJ). */
final class PowertoolsWorkerMetrics implements WorkerMetrics {

    private final Metrics metrics;

    PowertoolsWorkerMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void chunkDone(ChunkResult result) {
        metrics.addMetric("RequestsFetched", result.responded(), MetricUnit.COUNT);
        metrics.addMetric("RequestsFailed", result.failed(), MetricUnit.COUNT);
        metrics.addMetric("RequestLatencyMean", result.meanLatencyMs(), MetricUnit.MILLISECONDS);
        metrics.addMetric("RequestLatencyMax", result.maxLatencyMs(), MetricUnit.MILLISECONDS);
        metrics.addMetric("ChunkDuration", result.durationMs(), MetricUnit.MILLISECONDS);
        metrics.addMetric("ChunksWritten", 1, MetricUnit.COUNT);
        // Requests by their last answer's class (the dashboard's "requests by status"), and throttling
        // as it happened: every 429 answer, retried or not, and the Retry-After pauses it caused.
        ResponseClasses.of(result.statusCounts()).forEach((name, count) -> metrics.addMetric(name, count, MetricUnit.COUNT));
        metrics.addMetric("Throttled", result.throttled(), MetricUnit.COUNT);
        metrics.addMetric("RetryAfterPauses", result.retryAfterPauses(), MetricUnit.COUNT);
        result.runCompleted().ifPresent(success -> {
            metrics.addMetric("RunsCompleted", 1, MetricUnit.COUNT);
            metrics.addMetric("RunDuration", Duration.between(success.startedAt(), success.finishedAt()).toSeconds(), MetricUnit.SECONDS);
        });
    }

    @Override
    public void chunkFailed() {
        metrics.addMetric("ChunksFailed", 1, MetricUnit.COUNT);
    }

    @Override
    public void chunkContinued() {
        metrics.addMetric("ChunksContinued", 1, MetricUnit.COUNT);
    }

    @Override
    public void flush() {
        metrics.flush();
    }
}
