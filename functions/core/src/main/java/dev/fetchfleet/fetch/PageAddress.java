package dev.fetchfleet.fetch;

import java.net.URI;

/**
 * Where a page of a chain is: its URL, and the cursor, page or offset sent in the body or a header
 * ({@code into}), null when the URL says it all.
 */
record PageAddress(URI url, String token) {

    static PageAddress of(URI url) {
        return new PageAddress(url, null);
    }
}
