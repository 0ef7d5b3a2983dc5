package dev.fetchfleet.fetch;

import java.net.URI;
import java.util.Set;

/**
 * Where a paginated request's chain goes on after an earlier invocation stopped it: the URL and number
 * of the next page, the cursor, page or offset that page sends in its body or a header (null when the
 * URL says it all), and the URLs the chain has fetched, so that a cycle back to one of them is still caught.
 */
public record ChainCursor(URI next, int page, Set<URI> fetched, String nextToken) {

    public ChainCursor {
        fetched = Set.copyOf(fetched);
    }

    public ChainCursor(URI next, int page, Set<URI> fetched) {
        this(next, page, fetched, null);
    }
}
