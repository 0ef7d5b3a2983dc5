package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Makes one child request from one item of a parent page: each {@code {placeholder}} of the child's URL
 * (URL-encoded), headers and body filled from the item's dot path in {@code bind}. A bound value that is
 * missing or not a scalar, or a URL that the job's rules refuse once filled in, makes no request but an
 * {@link Unbound} saying why: the caller counts it, it is never dropped quietly.
 */
public final class ChildBinding {

    private ChildBinding() {}

    /** What one item gave: a request, or why it gave none. */
    public sealed interface Bound permits Request, Unbound {}

    /** The child request and the values bound into it (what its records' {@code parent.bind} shows). */
    public record Request(RequestSpec request, Map<String, String> values) implements Bound {}

    public record Unbound(String error) implements Bound {}

    public static Bound bind(ChildSpec child, JsonNode item) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : child.bind().entrySet()) {
            JsonNode value = DotPath.at(item, entry.getValue());
            if (value == null || value.isNull() || value.isMissingNode()) {
                return new Unbound("bind." + entry.getKey() + ": the item has no value at " + entry.getValue());
            }
            if (!value.isValueNode()) {
                return new Unbound("bind." + entry.getKey() + ": the item's " + entry.getValue() + " is a "
                        + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ", not a string, number or boolean");
            }
            values.put(entry.getKey(), value.asText());
            nodes.put(entry.getKey(), value);
        }
        List<Problem> problems = new ArrayList<>();
        String urlText = fill(child.url(), values, true);
        java.net.URI url = RequestReader.url(urlText, "url", problems, child.fetch().allowLinkLocal());
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> boundHeaders = new LinkedHashMap<>();
        child.headers().forEach((name, value) -> {
            headers.put(name, fill(value, values, false));
            if (JobParser.PLACEHOLDER.matcher(value).find()) {
                boundHeaders.put(name.toLowerCase(java.util.Locale.ROOT), headers.get(name));
            }
        });
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (RequestReader.CONTROL.matcher(header.getValue()).find()) {
                return new Unbound("headers." + header.getKey() + ": a bound value holds a carriage return, line feed or NUL");
            }
        }
        if (url == null) {
            return new Unbound("url: " + problems.getFirst().value() + " " + problems.getFirst().message());
        }
        JsonNode body = child.body() == null ? null : fill(child.body(), values, nodes);
        // A header filled from the item is part of what the request asks: without it in the id, two items that
        // differed only there made one child, the other dropped quietly as its duplicate (or as "shared").
        return new Request(new RequestSpec(RequestReader.defaultId(child.method(), url, body, boundHeaders), child.method(), url, headers, body,
                child.paginate()), values);
    }

    private static String fill(String text, Map<String, String> values, boolean encode) {
        Matcher matcher = JobParser.PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null || matcher.group(2) != null) {
                matcher.appendReplacement(out, Matcher.quoteReplacement(matcher.group()));
            } else {
                String filled = encode ? URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20") : value;
                matcher.appendReplacement(out, Matcher.quoteReplacement(filled));
            }
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** A body with its strings filled; a string that is one placeholder alone takes the item's value as it is (a number stays one). */
    private static JsonNode fill(JsonNode node, Map<String, String> values, Map<String, JsonNode> nodes) {
        if (node.isTextual()) {
            Matcher whole = JobParser.PLACEHOLDER.matcher(node.asText());
            if (whole.matches() && whole.group(2) == null && nodes.containsKey(whole.group(1))) {
                return nodes.get(whole.group(1));
            }
            return JsonNodeFactory.instance.textNode(fill(node.asText(), values, false));
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(e -> copy.set(e.getKey(), fill(e.getValue(), values, nodes)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> copy.add(fill(e, values, nodes)));
            return copy;
        }
        return node;
    }
}
