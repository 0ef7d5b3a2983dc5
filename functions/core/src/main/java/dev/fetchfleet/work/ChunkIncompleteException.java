package dev.fetchfleet.work;

/** A chunk the worker could not finish in its time; the message goes back to the queue for redelivery. */
public final class ChunkIncompleteException extends RuntimeException {

    private final boolean progressed;

    public ChunkIncompleteException(String message, boolean progressed) {
        super(message);
        this.progressed = progressed;
    }

    /**
     * Whether this delivery fetched anything: a chunk that moves on (a long chain over many invocations)
     * can go on in a new message, while one that does not must count towards the dead-letter queue.
     */
    public boolean progressed() {
        return progressed;
    }
}
