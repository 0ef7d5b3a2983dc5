package dev.fetchfleet.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.job.DotPath;
import dev.fetchfleet.job.Paginate;
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

    private Pagination() {}

    /** The chain's first URL: page and offset styles start by setting their parameters. */
    static URI first(Paginate p, URI url) {
        return switch (p.type()) {
            case "page" -> withParam(url, p.param(), Integer.toString(p.start()));
            case "offset" -> withParam(withParam(url, p.param(), "0"), p.limitParam(), Integer.toString(p.limit()));
            default -> url;
        };
    }

    /**
     * @param first the chain's first URL (cursor, page and offset vary their parameters on it)
     * @param page  the 0-based number of the page just fetched
     */
    static Optional<URI> next(Paginate p, URI first, URI current, BronzeRecord fetched, int page) {
        JsonNode body = "json".equals(fetched.bodyEncoding()) ? fetched.body() : null;
        return switch (p.type()) {
            case "link" -> nextLink(fetched.responseHeaders().get("link")).map(current::resolve);
            case "next_url" -> text(at(body, p.path())).map(current::resolve);
            case "cursor" -> text(at(body, p.path())).map(cursor -> withParam(first, p.param(), cursor));
            case "page" -> nonEmpty(at(body, p.stopWhenEmpty()))
                    ? Optional.of(withParam(first, p.param(), Long.toString((long) p.start() + page + 1))) : Optional.empty();
            case "offset" -> nonEmpty(at(body, p.stopWhenEmpty()))
                    ? Optional.of(withParam(first, p.param(), Long.toString((long) (page + 1) * p.limit()))) : Optional.empty();
            default -> throw new IllegalArgumentException("unknown pagination type " + p.type());
        };
    }

    /** The rel="next" target of an RFC 8288 Link header. */
    static Optional<String> nextLink(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher link = LINK.matcher(header);
        while (link.find()) {
            Matcher rel = REL_NEXT.matcher(link.group(2));
            while (rel.find()) {
                for (String value : rel.group(1).trim().split("\\s+")) {
                    if (value.equalsIgnoreCase("next")) {
                        return Optional.of(link.group(1).trim());
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static JsonNode at(JsonNode node, String dotPath) {
        return DotPath.at(node, dotPath);
    }

    private static Optional<String> text(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return Optional.empty();
        }
        String value = node.asText();
        return value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static boolean nonEmpty(JsonNode node) {
        return node != null && node.isArray() && !node.isEmpty();
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
