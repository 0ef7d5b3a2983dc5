package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and checks one request, wherever it came from (inline, a JSON Lines file, a template). */
final class RequestReader {

    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    static final Set<String> FIELDS = Set.of("id", "method", "url", "headers", "body", "paginate");
    static final Set<String> PAGINATE_FIELDS = Set.of("type", "path", "param", "start", "stopWhenEmpty", "limitParam",
            "limit", "maxPages", "allowHosts", "stop", "totalPath", "into", "from");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:~-]{1,128}");
    /** What would split a header into two (request smuggling) or end it early. */
    static final Pattern CONTROL = Pattern.compile("[\\r\\n\\x00]");
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9._-]+|\\[[0-9a-f:.%]+]");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private RequestReader() {}

    /** A request object; returns null when it has problems (they are added to {@code problems}). */
    static RequestSpec read(JsonNode node, String path, List<Problem> problems, boolean allowLinkLocal, Paginate jobPaginate) {
        if (node.isTextual()) {
            URI url = url(node.asText(), path, problems, allowLinkLocal);
            return url == null ? null : new RequestSpec(defaultId("GET", url, null), "GET", url, Map.of(), null, jobPaginate);
        }
        if (!node.isObject()) {
            problems.add(new Problem(path, Fields.shown(node), "must be a request object or a URL string"));
            return null;
        }
        int before = problems.size();
        Fields fields = new Fields(node, path, problems);
        fields.rejectUnknown(FIELDS);
        String method = method(fields.string("method", "GET", false), fields);
        String urlText = fields.string("url", null, true);
        URI url = urlText == null ? null : url(urlText, fields.path("url"), problems, allowLinkLocal);
        Map<String, String> headers = headers(fields);
        JsonNode body = node.get("body");
        if (body != null && body.isNull()) {
            body = null;
        }
        String id = fields.string("id", null, false);
        if (id != null && !ID.matcher(id).matches()) {
            fields.problem("id", node.get("id"), "must be 1 to 128 of A-Z a-z 0-9 . _ : ~ -");
        }
        Paginate paginate = node.has("paginate") ? paginate(fields.object("paginate"), problems, allowLinkLocal) : jobPaginate;
        if (problems.size() > before) {
            return null;
        }
        return new RequestSpec(id != null ? id : defaultId(method, url, body), method, url, headers, body, paginate);
    }

    /** A {@code paginate} object (job-level or a request's own); null with problems when it is wrong. */
    static Paginate paginate(Fields p, List<Problem> problems, boolean allowLinkLocal) {
        if (p == null) {
            return null;
        }
        int before = problems.size();
        p.rejectUnknown(PAGINATE_FIELDS);
        String type = p.string("type", null, true);
        if (type != null && !Paginate.TYPES.contains(type)) {
            p.problem("type", p.get("type"), "must be one of " + new java.util.TreeSet<>(Paginate.TYPES));
        }
        boolean needsPath = "next_url".equals(type) || "cursor".equals(type);
        boolean counted = "page".equals(type) || "offset".equals(type);
        Paginate.Stop stop = stop(p.object("stop"));
        String totalPath = p.string("totalPath", null, false);
        if (totalPath != null && !counted) {
            p.problem("totalPath", p.get("totalPath"), "applies to types page and offset only");
        }
        // A list that runs empty, a total, or a stop rule: a counted chain needs one way to end.
        boolean needsList = counted && totalPath == null && stop == null;
        String into = p.string("into", "query", false);
        if (!Paginate.INTO.contains(into)) {
            p.problem("into", p.get("into"), "must be one of " + new java.util.TreeSet<>(Paginate.INTO));
        } else if (!into.equals("query") && !counted && !"cursor".equals(type)) {
            p.problem("into", p.get("into"), "applies to types cursor, page and offset (a " + type + " chain follows URLs)");
        }
        String from = p.string("from", "body", false);
        if (!Paginate.FROM.contains(from)) {
            p.problem("from", p.get("from"), "must be one of " + new java.util.TreeSet<>(Paginate.FROM));
        } else if (from.equals("header") && !needsPath) {
            p.problem("from", p.get("from"), "applies to types cursor and next_url");
        }
        String dotPath = p.string("path", null, needsPath);
        if (dotPath != null && !from.equals("header") && !DotPath.valid(dotPath)) {
            p.problem("path", p.get("path"), "is not a dot path (names and list indexes such as data.-1.id, joined by '.')");
        }
        String defaultParam = switch (type == null ? "" : type) {
            case "cursor" -> "cursor";
            case "page" -> "page";
            case "offset" -> "offset";
            default -> null;
        };
        String param = p.string("param", defaultParam, false);
        if (param != null && "body".equals(into) && !DotPath.valid(param)) {
            p.problem("param", p.get("param"), "is where the token goes in the JSON body: a dot path such as page.cursor");
        }
        Integer start = p.integer("start", 1, 0, Integer.MAX_VALUE);
        String stopWhenEmpty = p.string("stopWhenEmpty", null, needsList);
        String limitParam = p.string("limitParam", "limit", false);
        Integer limit = p.integer("limit", 100, 1, 1_000_000);
        int maxPages = p.integer("maxPages", Paginate.DEFAULT_MAX_PAGES, 1, 1_000_000);
        List<String> allowHosts = new java.util.ArrayList<>();
        JsonNode hosts = p.get("allowHosts");
        if (hosts != null && !hosts.isNull()) {
            if (!hosts.isArray()) {
                p.problem("allowHosts", hosts, "must be a list of host names");
            } else {
                for (int i = 0; i < hosts.size(); i++) {
                    String host = allowedHost(hosts.get(i), p.path("allowHosts") + "[" + i + "]", problems, allowLinkLocal);
                    if (host != null) {
                        allowHosts.add(host);
                    }
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new Paginate(type, dotPath, param, start, stopWhenEmpty, limitParam, limit, maxPages, allowHosts, stop, totalPath,
                into, from);
    }

    /** A {@code stop} rule: {@code {"path": "has_more", "equals": false}}. */
    private static Paginate.Stop stop(Fields stop) {
        if (stop == null) {
            return null;
        }
        stop.rejectUnknown(Set.of("path", "equals"));
        String path = stop.string("path", null, true);
        JsonNode equals = stop.get("equals");
        if (equals == null || !equals.isValueNode()) {
            stop.problem("equals", equals, "is required: the value (true, false, a number, a string or null) that ends the chain");
        }
        return path == null ? null : new Paginate.Stop(path, equals);
    }

    /**
     * An {@code allowHosts} entry: a host name, never a link-local or metadata address unless
     * {@code fetch.allowLinkLocal} says so, since allowing a host is not allowing what the URL check refuses.
     */
    private static String allowedHost(JsonNode entry, String path, List<Problem> problems, boolean allowLinkLocal) {
        String host = entry.isTextual() ? entry.asText().toLowerCase(java.util.Locale.ROOT) : "";
        if (!HOST_NAME.matcher(host).matches()) {
            problems.add(new Problem(path, Fields.shown(entry), "must be a host name, as a next link's URL names it (no scheme, port or path)"));
            return null;
        }
        if (!allowLinkLocal && LinkLocal.isLinkLocalOrMetadata(host)) {
            problems.add(new Problem(path, Fields.shown(entry), "is a link-local or instance-metadata address, which allowHosts "
                    + "cannot open; only fetch.allowLinkLocal can"));
            return null;
        }
        return host;
    }

    static String method(String method, Fields fields) {
        String upper = method.toUpperCase(java.util.Locale.ROOT);
        if (!METHODS.contains(upper)) {
            fields.problem("method", fields.get("method"), "must be one of " + new java.util.TreeSet<>(METHODS));
        }
        return upper;
    }

    static Map<String, String> headers(Fields fields) {
        JsonNode node = fields.get("headers");
        Map<String, String> headers = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return headers;
        }
        if (!node.isObject()) {
            fields.problem("headers", node, "must be an object of header names to string values");
            return headers;
        }
        node.fields().forEachRemaining(entry -> {
            String name = entry.getKey();
            if (!HEADER_NAME.matcher(name).matches()) {
                fields.problems().add(new Problem(fields.path("headers") + "." + name, null, "is not a valid header name"));
            } else if (!entry.getValue().isTextual()) {
                fields.problems().add(new Problem(fields.path("headers") + "." + name,
                        Fields.shown(entry.getValue()), "must be a string"));
            } else if (CONTROL.matcher(entry.getValue().asText()).find()) {
                // Not shown: header values are where credentials live.
                fields.problems().add(new Problem(fields.path("headers") + "." + name, null,
                        "holds a carriage return, line feed or NUL, which no header value may"));
            } else {
                headers.put(name, entry.getValue().asText());
            }
        });
        return headers;
    }

    /** An absolute http(s) URL with a host and no user info, or null with a problem that quotes it (credentials masked). */
    static URI url(String text, String path, List<Problem> problems, boolean allowLinkLocal) {
        String shown = '"' + text + '"';
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            problems.add(new Problem(path, shown, "is not a valid URL (" + e.getReason() + ")"));
            return null;
        }
        String scheme = url.getScheme();
        if (scheme == null) {
            problems.add(new Problem(path, shown, "must be an absolute http:// or https:// URL"));
            return null;
        }
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            problems.add(new Problem(path, shown, "scheme must be http or https"));
            return null;
        }
        if (url.getRawUserInfo() != null) {
            problems.add(new Problem(path, shown, "holds a user name or password before the host; "
                    + "credentials belong in a header (Authorization) or a secret reference, never in the URL"));
            return null;
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            problems.add(new Problem(path, shown, "has no host"));
            return null;
        }
        if (!allowLinkLocal && LinkLocal.isLinkLocalOrMetadata(url.getHost())) {
            problems.add(new Problem(path, shown, "points at a link-local or instance-metadata address, "
                    + "which is refused; set fetch.allowLinkLocal to true if you mean it"));
            return null;
        }
        return url;
    }

    /** A stable id: the same method, URL and body give the same id in every run. */
    static String defaultId(String method, URI url, JsonNode body) {
        return hashId(method + ' ' + url + '\n' + (body == null ? "" : body.toString()));
    }

    /**
     * A stable id of a request whose {@code varying} headers were filled from an answer (a child's): they join
     * the hash, so two items that differ only in a header make two requests, not one that drops the other.
     * Without such headers it is {@link #defaultId(String, URI, JsonNode)}.
     */
    static String defaultId(String method, URI url, JsonNode body, Map<String, String> varying) {
        if (varying.isEmpty()) {
            return defaultId(method, url, body);
        }
        StringBuilder text = new StringBuilder(method + ' ' + url + '\n' + (body == null ? "" : body.toString()));
        new java.util.TreeMap<>(varying).forEach((name, value) -> text.append('\n').append(name).append(": ").append(value));
        return hashId(text.toString());
    }

    private static String hashId(String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
