package dev.fetchfleet.worker;

import dev.fetchfleet.work.ChunkResult;
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
