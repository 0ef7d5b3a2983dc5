package dev.fetchfleet.worker;

import dev.fetchfleet.work.ChunkResult;

/** Where the worker reports what each chunk did; Powertools EMF in Lambda, nothing or a tally elsewhere. */
public interface WorkerMetrics {

    void chunkDone(ChunkResult result);

    void chunkFailed();

    /** A chunk the deadline cut after progress, sent again as a new message to go on from its checkpoint. */
    void chunkContinued();

    /** Called once at the end of every invocation. */
    void flush();

    static WorkerMetrics none() {
        return new WorkerMetrics() {
            @Override
            public void chunkDone(ChunkResult result) {}

            @Override
            public void chunkFailed() {}

            @Override
            public void chunkContinued() {}

            @Override
            public void flush() {}
        };
    }
}
