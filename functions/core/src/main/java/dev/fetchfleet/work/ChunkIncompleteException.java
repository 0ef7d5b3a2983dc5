package dev.fetchfleet.work;

/** A chunk the worker could not finish in its time; the message goes back to the queue for redelivery. */
public final class ChunkIncompleteException extends RuntimeException {
    public ChunkIncompleteException(String message) {
        super(message);
    }
}
