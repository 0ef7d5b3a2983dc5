package dev.fetchfleet.dispatch;

import java.util.List;

/** Where a dispatcher's chunk messages go (SQS in the fleet): every body sent, or an exception. */
@FunctionalInterface
public interface ChunkQueue {

    /** Sends every body; returns how many were sent. */
    int sendAll(List<String> bodies);
}
