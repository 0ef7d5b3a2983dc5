package dev.fetchfleet.work;

import java.time.Duration;

/** A chunk the worker could not finish in its time; the message goes back to the queue for redelivery. */
public final class ChunkIncompleteException extends RuntimeException {

    private final boolean progressed;
    private final Duration retryAfter;

    public ChunkIncompleteException(String message, boolean progressed, Duration retryAfter) {
        super(message);
        this.progressed = progressed;
        this.retryAfter = retryAfter;
    }

    /**
     * Whether this delivery fetched anything: a chunk that moves on (a long chain over many invocations)
     * can go on in a new message, while one that does not must count towards the dead-letter queue.
     */
    public boolean progressed() {
        return progressed;
    }

    /** How long the API asked (Retry-After) not to be called again by what is left; zero when it did not. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
