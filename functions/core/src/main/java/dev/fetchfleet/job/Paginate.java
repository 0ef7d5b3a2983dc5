package dev.fetchfleet.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/**
 * How one request's answer leads to the next page: {@code link} (RFC 8288 Link header), {@code next_url}
 * (a URL at a dot path of the body), {@code cursor} (a value at a dot path, sent back as a query
 * parameter), {@code page} (page numbers until the list at a dot path is empty) or {@code offset}
 * (offset and limit until the list is empty). A chain stops at {@code maxPages}; its next links may
 * only lead to its own host, or to {@code allowHosts}.
 *
 * <p>Beyond those: {@code stop} ends a chain of any type when a value in the body equals the one given
 * (Stripe's {@code has_more: false}); {@code totalPath} ends a page or offset chain once every item of the
 * total is fetched; {@code into} sends the cursor, page or offset as a query parameter (null: the default),
 * at the dot path {@code param} of a JSON body ("body") or in header {@code param} ("header");
 * {@code from} "header" reads a cursor or next URL from the response header named by {@code path}.
 */
public record Paginate(String type, String path, String param, Integer start, String stopWhenEmpty, String limitParam,
                       Integer limit, int maxPages, List<String> allowHosts,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Stop stop,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String totalPath,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String into,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String from) {

    public static final Set<String> TYPES = Set.of("link", "next_url", "cursor", "page", "offset");
    public static final Set<String> INTO = Set.of("query", "body", "header");
    public static final Set<String> FROM = Set.of("body", "header");
    public static final int DEFAULT_MAX_PAGES = 1000;

    /** Ends a chain when the value at {@code path} equals {@code equals}. */
    public record Stop(String path, JsonNode equals) {}

    public Paginate {
        allowHosts = allowHosts == null ? List.of() : List.copyOf(allowHosts);
        into = "query".equals(into) ? null : into;
        from = "body".equals(from) ? null : from;
    }

    public Paginate(String type, String path, String param, Integer start, String stopWhenEmpty, String limitParam,
                    Integer limit, int maxPages, List<String> allowHosts) {
        this(type, path, param, start, stopWhenEmpty, limitParam, limit, maxPages, allowHosts, null, null, null, null);
    }

    /** Whether the next cursor, page or offset goes in the body or a header rather than the URL. */
    public boolean sendsTokenOutsideUrl() {
        return into != null;
    }
}
