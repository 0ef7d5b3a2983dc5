package dev.fetchfleet.fetch;

import java.net.URI;
import java.util.Set;

/**
 * Where a paginated request's chain goes on after an earlier invocation stopped it: the URL and number
 * of the next page, and the URLs the chain has fetched, so that a cycle back to one of them is still caught.
 */
public record ChainCursor(URI next, int page, Set<URI> fetched) {

    public ChainCursor {
        fetched = Set.copyOf(fetched);
    }
}
