package dev.fetchfleet.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.job.DotPath;
import dev.fetchfleet.job.Paginate;
import dev.fetchfleet.job.RequestSpec;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where a chain's next page is, from the page just fetched; empty when the chain has ended. */
final class Pagination {

    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");
    private static final Pattern REL_NEXT = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]*)\"?", Pattern.CASE_INSENSITIVE);
    /** A rel naming "next" anywhere in a header: if none of its parsed links is next, the header was misread. */
    private static final Pattern MENTIONS_NEXT = Pattern.compile("rel\\s*=\\s*\"?[^\";,]*\\bnext\\b", Pattern.CASE_INSENSITIVE);

    private Pagination() {}

    /** The chain's first page: page and offset styles start by setting their parameters (or token). */
    static PageAddress first(Paginate p, URI url) {
        return switch (p.type()) {
            case "page" -> at(p, url, Integer.toString(p.start()));
            case "offset" -> p.sendsTokenOutsideUrl() ? new PageAddress(url, "0")
                    : PageAddress.of(withParam(withParam(url, p.param(), "0"), p.limitParam(), Integer.toString(p.limit())));
            default -> PageAddress.of(url);
        };
    }

    /** A page of the chain that starts at {@code first}, its token in the URL or beside it as {@code into} says. */
    private static PageAddress at(Paginate p, URI first, String token) {
        return p.sendsTokenOutsideUrl() ? new PageAddress(first, token) : PageAddress.of(withParam(first, p.param(), token));
    }

    /**
     * The request that fetches {@code page}: {@code base} at its URL, with its token put where {@code into}
     * says (an offset chain's limit beside it). Page and offset numbers go into a body as numbers.
     *
     * @throws IllegalArgumentException when the token cannot go into the request's body (not a JSON object)
     */
    static RequestSpec request(Paginate p, RequestSpec base, PageAddress page) {
        RequestSpec request = base.at(page.url());
        if (page.token() == null) {
            return request;
        }
        boolean counted = p.type().equals("page") || p.type().equals("offset");
        if ("body".equals(p.into())) {
            JsonNode token = counted ? LongNode.valueOf(Long.parseLong(page.token())) : TextNode.valueOf(page.token());
            JsonNode body = DotPath.with(base.body(), p.param(), token);
            if (p.type().equals("offset")) {
                body = DotPath.with(body, p.limitParam(), IntNode.valueOf(p.limit()));
            }
            return request.withBody(body);
        }
        Map<String, String> headers = new LinkedHashMap<>(base.headers());
        headers.put(p.param(), page.token());
        if (p.type().equals("offset")) {
            headers.put(p.limitParam(), Integer.toString(p.limit()));
        }
        return request.withHeaders(headers);
    }

    /**
     * A next link this page carried but that cannot be followed: not a URL, a Link header that does not
     * parse, a cursor or list of the wrong shape. The page keeps its answer and says why its chain ended.
     */
    static final class BadNextLink extends RuntimeException {
        BadNextLink(String message) {
            super(message);
        }
    }

    /**
     * @param first the chain's first URL (cursor, page and offset vary their parameters on it)
     * @param page  the 0-based number of the page just fetched
     * @throws BadNextLink when the page names a next page in a way that cannot be followed
     */
    static Optional<PageAddress> next(Paginate p, URI first, URI current, BronzeRecord fetched, int page) {
        JsonNode body = "json".equals(fetched.bodyEncoding()) ? fetched.body() : null;
        if (p.stop() != null && stops(p.stop(), at(body, p.stop().path()))) {
            return Optional.empty();
        }
        return switch (p.type()) {
            case "link" -> nextLink(fetched.responseHeaders().get("link"))
                    .map(link -> PageAddress.of(resolve(current, link, "Link header rel=\"next\"")));
            case "next_url" -> text(pointed(p, body, fetched), pointer(p, "next_url"))
                    .map(link -> PageAddress.of(resolve(current, link, pointer(p, "next_url"))));
            case "cursor" -> text(pointed(p, body, fetched), pointer(p, "cursor")).map(cursor -> at(p, first, cursor));
            case "page" -> more(p, body, page, (long) (page + 1) * (p.limit() == null ? 1 : p.limit()))
                    ? Optional.of(at(p, first, Long.toString((long) p.start() + page + 1))) : Optional.empty();
            case "offset" -> more(p, body, page, (long) (page + 1) * p.limit())
                    ? Optional.of(at(p, first, Long.toString((long) (page + 1) * p.limit()))) : Optional.empty();
            default -> throw new IllegalArgumentException("unknown pagination type " + p.type());
        };
    }

    /** Whether a stop rule's value is the one that ends the chain (numbers compared by value: 0 equals 0.0). */
    private static boolean stops(Paginate.Stop stop, JsonNode found) {
        JsonNode wanted = stop.equals() == null ? NullNode.getInstance() : stop.equals();
        if (found == null) {
            return false; // absent says nothing; the type's own rule decides
        }
        if (found.isNumber() && wanted.isNumber()) {
            return found.decimalValue().compareTo(wanted.decimalValue()) == 0;
        }
        return found.equals(wanted);
    }

    /** The cursor or next URL a page names: at a dot path of its body, or in a response header ({@code from}). */
    private static JsonNode pointed(Paginate p, JsonNode body, BronzeRecord fetched) {
        if ("header".equals(p.from())) {
            String value = fetched.responseHeaders().get(p.path().toLowerCase(java.util.Locale.ROOT));
            return value == null ? null : TextNode.valueOf(value);
        }
        return at(body, p.path());
    }

    private static String pointer(Paginate p, String what) {
        return what + ("header".equals(p.from()) ? " in header " : " at ") + p.path();
    }

    /**
     * Whether a page or offset chain goes on after {@code page}: its list was not empty (when it names one)
     * and, when it names a total, fewer than the total are fetched ({@code fetched} items so far), so no
     * empty page is asked for past the end.
     */
    private static boolean more(Paginate p, JsonNode body, int page, long fetched) {
        if (p.stopWhenEmpty() != null && !nonEmpty(at(body, p.stopWhenEmpty()), p.stopWhenEmpty())) {
            return false;
        }
        if (p.totalPath() != null) {
            JsonNode total = at(body, p.totalPath());
            if (total == null || !total.isNumber() && !(total.isTextual() && total.asText().matches("\\d{1,18}"))) {
                throw new BadNextLink("totalPath " + p.totalPath() + " is not a number: " + (total == null ? "absent" : quoted(total.toString())));
            }
            return fetched < total.asLong();
        }
        return true;
    }

    private static URI resolve(URI current, String link, String what) {
        try {
            return current.resolve(link);
        } catch (IllegalArgumentException e) {
            throw new BadNextLink(what + " is not a valid URL (" + quoted(link) + ": " + e.getMessage() + ")");
        }
    }

    /**
     * The rel="next" target of an RFC 8288 Link header; empty when it has none.
     *
     * @throws BadNextLink when the header holds no {@code <target>; params} at all, or names a next link
     *                     that is not in that form: a chain must not end quietly on a header it misread
     */
    static Optional<String> nextLink(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        Matcher link = LINK.matcher(header);
        boolean any = false;
        while (link.find()) {
            any = true;
            Matcher rel = REL_NEXT.matcher(link.group(2));
            while (rel.find()) {
                for (String value : rel.group(1).trim().split("\\s+")) {
                    if (value.equalsIgnoreCase("next")) {
                        return Optional.of(link.group(1).trim());
                    }
                }
            }
        }
        if (!any || MENTIONS_NEXT.matcher(header).find()) {
            throw new BadNextLink("Link header does not parse as <URL>; rel=\"next\": " + quoted(header));
        }
        return Optional.empty();
    }

    private static JsonNode at(JsonNode node, String dotPath) {
        return DotPath.at(node, dotPath);
    }

    /** A link or cursor value: empty when absent, null, false or blank (the last page); an object, a list or true is no value. */
    private static Optional<String> text(JsonNode node, String what) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isContainerNode()) {
            throw new BadNextLink(what + " is " + (node.isArray() ? "a list" : "an object") + ", not a value: " + quoted(node.toString()));
        }
        if (node.isBoolean()) {
            // "next": false is how some APIs say "last page": before, it was sent on as the cursor "false" (or
            // followed as the relative URL "false"), one request too many ending the chain in an error.
            if (node.booleanValue()) {
                throw new BadNextLink(what + " is true, not a value");
            }
            return Optional.empty();
        }
        String value = node.asText();
        return value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /** Whether the list at {@code path} has items; absent or null ends the chain, anything but a list is an error. */
    private static boolean nonEmpty(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isArray()) {
            throw new BadNextLink("stopWhenEmpty " + path + " is not a list: " + quoted(node.toString()));
        }
        return !node.isEmpty();
    }

    private static String quoted(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "…" : text;
        return '"' + shown + '"';
    }

    /** The URL without query parameter {@code name}. */
    static URI withoutParam(URI url, String name) {
        String query = url.getRawQuery();
        if (query == null || query.isEmpty()) {
            return url;
        }
        List<String> kept = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (!URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8).equals(name)) {
                kept.add(pair);
            }
        }
        String base = url.toString();
        String head = base.substring(0, base.indexOf('?'));
        return URI.create(kept.isEmpty() ? head : head + "?" + String.join("&", kept));
    }

    /** The URL with query parameter {@code name} set to {@code value} (replaced if present). */
    static URI withParam(URI url, String name, String value) {
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
        List<String> kept = new ArrayList<>();
        boolean replaced = false;
        String query = url.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                String key = URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
                if (!key.equals(name)) {
                    kept.add(pair);
                } else if (!replaced) {
                    kept.add(encoded); // in its place, so the URL reads as the API's own links do
                    replaced = true;
                }
            }
        }
        if (!replaced) {
            kept.add(encoded);
        }
        String base = url.toString();
        int cut = base.indexOf('?');
        int fragment = base.indexOf('#');
        String head = cut >= 0 ? base.substring(0, cut) : fragment >= 0 ? base.substring(0, fragment) : base;
        return URI.create(head + "?" + String.join("&", kept));
    }
}
