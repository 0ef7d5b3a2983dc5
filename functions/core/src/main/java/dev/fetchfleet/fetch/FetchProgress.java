package dev.fetchfleet.fetch;

import dev.fetchfleet.bronze.BronzeRecord;
import java.net.URI;

/**
 * Hears of every record as it ends, in the order of its chain, one call at a time for a chain. A page
 * whose chain goes on ({@code next} not null) is told while its next page is fetched: a progress that
 * keeps where chains go on (a checkpoint) keeps the latest page told, and a worker killed before a page
 * is told fetches that page again after a resume, as it does a page answered since the last checkpoint.
 */
@FunctionalInterface
public interface FetchProgress {
    FetchProgress NONE = (record, next) -> {};

    void fetched(BronzeRecord record, URI next) throws InterruptedException;

    /**
     * As {@link #fetched(BronzeRecord, URI)}, for a chain whose next page also needs {@code nextToken}: a
     * cursor, page or offset sent in the body or a header (null when the URL says it all). A progress that
     * keeps where chains go on (a checkpoint) must keep this too.
     */
    default void fetched(BronzeRecord record, URI next, String nextToken) throws InterruptedException {
        fetched(record, next);
    }

    /**
     * True when this keeps each record whole (a chunk's part spill): the report then holds records
     * without their bodies, so a chunk's bodies are never all in memory at once.
     */
    default boolean keepsBodies() {
        return false;
    }

    /**
     * Every attempt's answer as it comes, retried or not: for counting throttling, which the
     * records (one per request, its last answer) cannot show. {@code pausedHost}: the answer
     * carried a Retry-After that quiets its host.
     */
    default void answered(int status, boolean pausedHost) {}
}
