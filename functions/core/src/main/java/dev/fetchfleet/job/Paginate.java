package dev.fetchfleet.job;

import java.util.List;
import java.util.Set;

/**
 * How one request's answer leads to the next page: {@code link} (RFC 8288 Link header), {@code next_url}
 * (a URL at a dot path of the body), {@code cursor} (a value at a dot path, sent back as a query
 * parameter), {@code page} (page numbers until the list at a dot path is empty) or {@code offset}
 * (offset and limit until the list is empty). A chain stops at {@code maxPages}; its next links may
 * only lead to its own host, or to {@code allowHosts}.
 */
public record Paginate(String type, String path, String param, Integer start, String stopWhenEmpty, String limitParam,
                       Integer limit, int maxPages, List<String> allowHosts) {

    public static final Set<String> TYPES = Set.of("link", "next_url", "cursor", "page", "offset");
    public static final int DEFAULT_MAX_PAGES = 1000;

    public Paginate {
        allowHosts = allowHosts == null ? List.of() : List.copyOf(allowHosts);
    }
}
