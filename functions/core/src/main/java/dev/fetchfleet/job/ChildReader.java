package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a job's (or a child's) {@code children} list by the parser's rules, every level below it too. */
final class ChildReader {

    private static final Set<String> CHILD_FIELDS = Set.of("source", "from", "request", "paginate", "fetch", "chunkSize", "children");
    private static final Set<String> FROM_FIELDS = Set.of("itemsPath", "bind");
    private static final Set<String> REQUEST_FIELDS = Set.of("method", "url", "headers", "body");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Deep enough for list, detail, sub-list and their details; a deeper tree is more likely a mistake. */
    static final int MAX_LEVELS = 8;

    private ChildReader() {}

    /** What a level below inherits from the one above it. */
    record Parent(String path, FetchConfig fetch, Paginate paginate, int chunkSize, int level) {}

    /**
     * The children at {@code field} of {@code owner}; {@code sources} holds every source seen so far in the
     * job (the job's own first), as no two levels may write into one partition.
     */
    static List<ChildSpec> read(Fields owner, Parent parent, Set<String> sources) {
        JsonNode node = owner.get("children");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            owner.problem("children", node, "must be a list of child request objects");
            return List.of();
        }
        if (!node.isEmpty() && parent.level() >= MAX_LEVELS) {
            owner.problem("children", null, "nests deeper than " + MAX_LEVELS + " levels");
            return List.of();
        }
        List<ChildSpec> children = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = owner.path("children") + "[" + i + "]";
            JsonNode child = node.get(i);
            if (!child.isObject()) {
                owner.problems().add(new Problem(path, Fields.shown(child), "must be a child request object"));
                continue;
            }
            ChildSpec spec = one(new Fields(child, path, owner.problems()), parent, sources);
            if (spec != null) {
                children.add(spec);
            }
        }
        return children;
    }

    private static ChildSpec one(Fields child, Parent parent, Set<String> sources) {
        List<Problem> problems = child.problems();
        int before = problems.size();
        child.rejectUnknown(CHILD_FIELDS);
        String source = JobHeaderReader.source(child);
        if (source != null && !sources.add(source)) {
            child.problem("source", child.get("source"), "is already the source of another level of this job; "
                    + "each level writes its own partition, so give it a source of its own");
        }
        String itemsPath = null;
        Map<String, String> bind = new LinkedHashMap<>();
        Fields from = child.object("from");
        if (from == null) {
            if (!child.has("from")) {
                problems.add(new Problem(child.path("from"), null, "is required: {\"itemsPath\": \"items\", \"bind\": {\"id\": \"id\"}}"));
            }
        } else {
            from.rejectUnknown(FROM_FIELDS);
            itemsPath = from.string("itemsPath", null, true);
            if (itemsPath != null && !DotPath.valid(itemsPath)) {
                from.problem("itemsPath", from.get("itemsPath"), "is not a dot path (names and list indexes joined by '.')");
            }
            Fields bindField = from.object("bind");
            if (bindField == null) {
                if (!from.has("bind")) {
                    problems.add(new Problem(from.path("bind"), null, "is required: an object of placeholder names to dot paths into an item"));
                }
            } else {
                from.get("bind").fields().forEachRemaining(entry -> {
                    String name = entry.getKey();
                    JsonNode value = entry.getValue();
                    if (!NAME.matcher(name).matches()) {
                        problems.add(new Problem(bindField.path(name), Fields.shown(value), "is not a placeholder name (A-Z a-z 0-9 _, not starting with a digit)"));
                    } else if (!value.isTextual() || !DotPath.valid(value.asText())) {
                        problems.add(new Problem(bindField.path(name), Fields.shown(value), "must be a dot path into an item, such as id or repo.name"));
                    } else {
                        bind.put(name, value.asText());
                    }
                });
            }
        }
        FetchConfig fetch = parent.fetch();
        if (child.has("fetch")) {
            fetch = FetchReader.read(child.object("fetch")).withAuth(parent.fetch().auth());
        }
        boolean allowLinkLocal = fetch.allowLinkLocal();
        String method = "GET";
        String url = null;
        Map<String, String> headers = Map.of();
        JsonNode body = null;
        Fields request = child.object("request");
        if (request == null) {
            if (!child.has("request")) {
                problems.add(new Problem(child.path("request"), null, "is required: {\"url\": \"https://api.example.com/items/{id}\"}"));
            }
        } else {
            request.rejectUnknown(REQUEST_FIELDS);
            method = RequestReader.method(request.string("method", "GET", false), request);
            url = request.string("url", null, true);
            headers = RequestReader.headers(request);
            body = request.get("body");
            if (url != null && placeholderInSchemeOrHost(url)) {
                // The values come from an API's answer: one that names the host could send the job's credentials anywhere.
                problems.add(new Problem(request.path("url"), '"' + url + '"', "takes its scheme and host from the job, not from an "
                        + "API's answer: put {placeholders} in the path, the query or the headers"));
            } else if (url != null) {
                checkPlaceholders(request, url, headers, body, bind.keySet(), from == null ? null : from.path("bind"));
                // The URL's shape checked with every placeholder filled in; each bound URL is checked again.
                RequestReader.url(JobParser.PLACEHOLDER.matcher(url).replaceAll("x"), request.path("url"), problems, allowLinkLocal);
            }
        }
        // "paginate": null says this level does not paginate, where its parent does.
        JsonNode written = child.get("paginate");
        Paginate paginate = written == null ? parent.paginate()
                : written.isNull() ? null : RequestReader.paginate(child.object("paginate"), problems, allowLinkLocal);
        int chunkSize = child.integer("chunkSize", parent.chunkSize(), 1, Job.MAX_CHUNK_SIZE);
        List<ChildSpec> grandchildren = read(child, new Parent(child.path("children"), fetch, paginate, chunkSize, parent.level() + 1), sources);
        if (problems.size() > before) {
            return null;
        }
        return new ChildSpec(source, itemsPath, bind, method, url, headers, body, paginate, fetch, chunkSize, grandchildren);
    }

    /** Whether a {@code {placeholder}} comes before the path: in the scheme, user info, host or port. */
    static boolean placeholderInSchemeOrHost(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url.indexOf('{') >= 0; // no fixed scheme and host at all; the URL check names the rest
        }
        int authorityEnd = url.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int at = url.indexOf(c, scheme + 3);
            if (at >= 0) {
                authorityEnd = Math.min(authorityEnd, at);
            }
        }
        return url.substring(0, authorityEnd).indexOf('{') >= 0;
    }

    /** Every {@code {placeholder}} of the URL, headers and body must be one that {@code bind} defines. */
    private static void checkPlaceholders(Fields request, String url, Map<String, String> headers, JsonNode body, Set<String> bound,
                                          String bindPath) {
        Map<String, String> uses = new LinkedHashMap<>();
        JobParser.placeholders(url).forEach(name -> uses.putIfAbsent(name, request.path("url")));
        headers.forEach((name, value) -> JobParser.placeholders(value)
                .forEach(p -> uses.putIfAbsent(p, request.path("headers") + "." + name)));
        if (body != null) {
            JobParser.strings(body, text -> JobParser.placeholders(text).forEach(p -> uses.putIfAbsent(p, request.path("body"))));
        }
        uses.forEach((name, path) -> {
            if (!bound.contains(name)) {
                request.problems().add(new Problem(path, "{" + name + "}", "uses placeholder {" + name + "} that "
                        + (bindPath == null ? "from.bind" : bindPath) + " does not define (defined: " + bound + ")"));
            }
        });
    }
}
