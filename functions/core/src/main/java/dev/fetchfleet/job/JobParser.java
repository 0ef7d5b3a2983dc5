package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a job document into a {@link Job}, or rejects it whole with every problem and its JSON path. */
public final class JobParser {

    private static final Set<String> JOB_FIELDS = Set.of("source", "runId", "requests", "requestsFrom", "template", "chunkSize", "fetch", "plan",
            "paginate", "incremental", "auth", "children");
    private static final Set<String> PLAN_FIELDS = Set.of("latencyMillis", "pagesPerRequest", "itemsPerPage");
    /** Fleet-wide caps as large as APIs allow: these are the API's limits, not one worker's. */
    public static final int MAX_FLEET_CONCURRENCY = 100_000;
    public static final double MAX_FLEET_RATE = 100_000;
    private static final Set<String> TEMPLATE_FIELDS = Set.of("method", "url", "headers", "body", "values");
    private static final Set<String> RANGE_FIELDS = Set.of("from", "to", "step");
    private static final Pattern USER_INFO = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@");
    /** {@code {name}}, or {@code {name.start}} / {@code {name.end}} for a date window's halves. */
    static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)(?:\\.(start|end))?}");
    /** Below Lambda's 1,024 open files, with room for the SDK's own connections. */
    public static final int MAX_IN_FLIGHT = 900;
    static final long MAX_TEMPLATE_REQUESTS = RequestList.MAX_REQUESTS;

    /** What a date window's "to": "now" means. */
    private final java.time.Clock clock;

    /** {@code mapper} is unused since documents are read by the strict {@link JobDocuments}; kept so callers need not change. */
    public JobParser(ObjectMapper mapper) {
        this(mapper, java.time.Clock.systemUTC());
    }

    public JobParser(ObjectMapper mapper, java.time.Clock clock) {
        this.clock = clock;
    }

    public JobParser() {
        this(null, java.time.Clock.systemUTC());
    }

    /**
     * This parser with "now" fixed at {@code now}: a run's date windows end where they ended when it started,
     * however late a resume or a worker cutting its ranges parses the job again.
     */
    public JobParser at(java.time.Instant now) {
        return new JobParser(null, java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
    }

    /** Reads the document strictly first (size, duplicate keys, nesting, trailing content: see {@link JobDocuments}). */
    public Job parse(String document) {
        return parse(JobDocuments.read(document));
    }

    public Job parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw JobValidationException.of("$", Fields.shown(root), "a job must be a JSON object");
        }
        List<Problem> problems = new ArrayList<>();
        Fields job = new Fields(root, "$", problems);
        job.rejectUnknown(JOB_FIELDS);
        References.check(root, "$", problems);

        String source = JobHeaderReader.source(job);
        String runId = JobHeaderReader.runId(job);
        int chunkSize = job.integer("chunkSize", Job.DEFAULT_CHUNK_SIZE, 1, Job.MAX_CHUNK_SIZE);
        FetchConfig fetch = FetchReader.read(job.object("fetch"));
        fetch = fetch.withAuth(AuthReader.read(job.object("auth"), problems, fetch.allowLinkLocal()));
        Paginate paginate = RequestReader.paginate(job.object("paginate"), problems, fetch.allowLinkLocal());
        RequestSource requests = requestSource(job, root, fetch.allowLinkLocal(), paginate, clock.instant());
        Job.PlanHints plan = Job.PlanHints.DEFAULT;
        Fields planField = job.object("plan");
        if (planField != null) {
            planField.rejectUnknown(PLAN_FIELDS);
            plan = new Job.PlanHints(planField.integer("latencyMillis", (int) plan.latencyMillis(), 1, 3_600_000),
                    planField.number("pagesPerRequest", plan.pagesPerRequest(), 0, 1_000_000),
                    planField.has("itemsPerPage") ? planField.number("itemsPerPage", 1, 0, 1_000_000) : plan.itemsPerPage());
        }

        Incremental incremental = JobHeaderReader.incremental(job);
        Set<String> sources = new java.util.HashSet<>();
        if (source != null) {
            sources.add(source);
        }
        List<ChildSpec> children = ChildReader.read(job, new ChildReader.Parent("$", fetch, paginate, chunkSize, 0), sources);

        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
        return new Job(source, runId, requests, chunkSize, fetch, root, plan, paginate, incremental, children);
    }

    /**
     * Phase two of a job with {@code {{state:NAME}}} placeholders: the whole job, each placeholder filled
     * from {@code state} (the values phase one's {@link #header} picked) before it is validated.
     */
    public Job parse(JsonNode root, Map<String, String> state) {
        if (root == null || !root.isObject()) {
            return parse(root);
        }
        List<Problem> unfilled = new ArrayList<>();
        JsonNode filled = StatePlaceholders.substitute(root, state, unfilled);
        if (!unfilled.isEmpty()) {
            // A placeholder names no state often because the header is wrong (an incremental with a typo): say both.
            List<Problem> problems = new ArrayList<>();
            JobHeaderReader.read(root, problems);
            problems.addAll(unfilled);
            throw new JobValidationException(problems);
        }
        return parse(filled);
    }

    /**
     * Phase one: only what picks the state values (source, run id, incremental), by the rules of
     * {@link #parse(JsonNode)}, without throwing. A field that breaks them is null in the header, and the
     * full parse says why; so does every other field, which this phase does not look at.
     */
    public JobHeader header(JsonNode root) {
        return JobHeaderReader.read(root, new ArrayList<>());
    }

    /**
     * The incremental settings of a job that passed this parser when its run began (a manifest written
     * before the manifest recorded them typed), read by the same rules, leniently: null if it has none.
     */
    public Incremental recordedIncremental(JsonNode job) {
        return job == null || !job.isObject() ? null : JobHeaderReader.incremental(new Fields(job, "$", new ArrayList<>()));
    }

    private static RequestSource requestSource(Fields job, JsonNode root, boolean allowLinkLocal, Paginate paginate, java.time.Instant now) {
        List<String> given = new ArrayList<>();
        for (String field : List.of("requests", "requestsFrom", "template")) {
            if (job.has(field)) {
                given.add(field);
            }
        }
        if (given.isEmpty()) {
            job.problems().add(new Problem("$", null, "needs a request list: one of requests, requestsFrom or template"));
            return null;
        }
        if (given.size() > 1) {
            job.problems().add(new Problem("$", String.join(", ", given),
                    "gives more than one request list; keep exactly one of requests, requestsFrom or template"));
            return null;
        }
        return switch (given.getFirst()) {
            case "requests" -> inline(root.get("requests"), job.problems(), allowLinkLocal, paginate);
            case "requestsFrom" -> {
                String location = job.string("requestsFrom", null, true);
                if (location != null && location.isBlank()) {
                    job.problem("requestsFrom", root.get("requestsFrom"), "must be an s3:// URI or a file path");
                }
                yield new RequestSource.FromFile(location);
            }
            default -> template(job.object("template"), job.problems(), now);
        };
    }

    private static RequestSource inline(JsonNode node, List<Problem> problems, boolean allowLinkLocal, Paginate paginate) {
        if (!node.isArray()) {
            problems.add(new Problem("$.requests", Fields.shown(node), "must be a list of requests"));
            return null;
        }
        if (node.isEmpty()) {
            problems.add(new Problem("$.requests", "[]", "is empty; a job needs at least one request"));
            return null;
        }
        List<RequestSpec> requests = new ArrayList<>(node.size());
        List<Integer> positions = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            RequestSpec request = RequestReader.read(node.get(i), "$.requests[" + i + "]", problems, allowLinkLocal, paginate);
            if (request != null) {
                requests.add(request);
                positions.add(i);
            }
        }
        checkDuplicateIds(requests, i -> "$.requests[" + positions.get(i) + "].id", problems);
        return new RequestSource.Inline(requests);
    }

    /** Reports each request whose id an earlier request already has; {@code pathOf} maps list index to a path. */
    static void checkDuplicateIds(List<RequestSpec> requests, java.util.function.IntFunction<String> pathOf, List<Problem> problems) {
        Map<String, Integer> firstIndex = new java.util.HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            Integer earlier = firstIndex.putIfAbsent(requests.get(i).id(), i);
            if (earlier != null) {
                problems.add(new Problem(pathOf.apply(i), '"' + requests.get(i).id() + '"',
                        "duplicate request id (also at " + pathOf.apply(earlier) + "); ids must be unique in a job"));
                if (problems.size() > 50) {
                    return;
                }
            }
        }
    }

    private static RequestSource template(Fields template, List<Problem> problems, java.time.Instant now) {
        if (template == null) {
            return null;
        }
        int before = problems.size();
        template.rejectUnknown(TEMPLATE_FIELDS);
        String method = RequestReader.method(template.string("method", "GET", false), template);
        String url = template.string("url", null, true);
        if (url != null && USER_INFO.matcher(url).find()) {
            problems.add(new Problem(template.path("url"), '"' + url + '"', "holds a user name or password before the host; "
                    + "credentials belong in a header (Authorization) or a secret reference, never in the URL"));
        }
        Map<String, String> headers = RequestReader.headers(template);
        JsonNode body = template.get("body");
        Map<String, List<String>> values = new LinkedHashMap<>();
        Fields valuesField = template.object("values");
        if (valuesField == null) {
            problems.add(new Problem(template.path("values"), null, "is required: an object of placeholder names to lists or {from, to} ranges"));
        } else if (expandedCount(template.get("values"), now) > MAX_TEMPLATE_REQUESTS) {
            // Counted before any range is listed: a list of every value would itself exhaust memory.
            problems.add(new Problem(template.path("values"), null,
                    "expands to more than " + MAX_TEMPLATE_REQUESTS + " requests; split the job"));
            return null;
        } else {
            template.get("values").fields().forEachRemaining(entry -> {
                JsonNode value = entry.getValue();
                if (DateWindows.isWindow(value)) {
                    DateWindows windows = DateWindows.read(valuesField.object(entry.getKey()), now, MAX_TEMPLATE_REQUESTS);
                    if (windows != null) {
                        values.put(entry.getKey(), windows);
                    }
                } else {
                    values.put(entry.getKey(), templateValues(value, valuesField.path(entry.getKey()), problems));
                }
            });
        }
        if (url != null && valuesField != null) {
            Set<String> used = placeholders(url);
            headers.values().forEach(v -> used.addAll(placeholders(v)));
            if (body != null) {
                strings(body, text -> used.addAll(placeholders(text)));
            }
            for (String name : used) {
                String bare = name.replaceFirst("\\.(start|end)$", "");
                if (!values.containsKey(bare) && !template.get("values").has(bare)) {
                    problems.add(new Problem(template.path("url"), '"' + url + '"',
                            "uses placeholder {" + name + "} that $.template.values does not define (defined: " + values.keySet() + ")"));
                } else if (!bare.equals(name) && !DateWindows.isWindow(template.get("values").get(bare))) {
                    problems.add(new Problem(valuesField.path(bare), null, "is used as {" + name + "}, but only a date window "
                            + "({\"from\": \"2026-01-01\", \"to\": \"now\", \"step\": \"P1D\"}) has a start and an end"));
                }
            }
            Set<String> usedNames = new LinkedHashSet<>();
            used.forEach(name -> usedNames.add(name.replaceFirst("\\.(start|end)$", "")));
            for (String name : values.keySet()) {
                if (!usedNames.contains(name)) {
                    problems.add(new Problem(valuesField.path(name), null, "is not used by $.template.url, its headers or its body"));
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new RequestSource.Template(method, url, headers, body == null || body.isNull() ? null : body, values);
    }

    /**
     * How many requests the values would give, from the written lists and ranges alone; saturating rather than
     * wrapping, since four ranges of 65,536 values are 2^64 requests, which a long holds as 0. A value that is
     * neither a list nor a valid range counts as one (its own problem is reported when it is read).
     */
    static long expandedCount(JsonNode values) {
        return expandedCount(values, java.time.Instant.now());
    }

    static long expandedCount(JsonNode values, java.time.Instant now) {
        long total = 1;
        for (JsonNode node : values) {
            long count = 1;
            if (DateWindows.isWindow(node)) {
                DateWindows windows = DateWindows.read(new Fields(node, "$", new ArrayList<>()), now, MAX_TEMPLATE_REQUESTS);
                count = windows == null ? 1 : windows.size();
            } else if (node.isArray()) {
                count = node.size();
            } else if (node.isObject() && node.path("from").canConvertToInt() && node.path("to").canConvertToInt()
                    && node.path("from").isIntegralNumber() && node.path("to").isIntegralNumber()) {
                long from = node.get("from").asLong();
                long to = node.get("to").asLong();
                long step = node.path("step").isIntegralNumber() && node.path("step").asLong() >= 1 ? node.path("step").asLong() : 1;
                count = to < from ? 1 : (to - from) / step + 1;
            }
            if (count == 0) {
                return 0;
            }
            total = total > MAX_TEMPLATE_REQUESTS / count ? MAX_TEMPLATE_REQUESTS + 1 : total * count;
        }
        return total;
    }

    /** The placeholders {@code text} uses: "name", or "name.start" / "name.end". */
    static Set<String> placeholders(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(2) == null ? matcher.group(1) : matcher.group(1) + "." + matcher.group(2));
        }
        return names;
    }

    /** Every string value in a JSON body, at any depth. */
    static void strings(JsonNode node, java.util.function.Consumer<String> each) {
        if (node.isTextual()) {
            each.accept(node.asText());
        } else if (node.isContainerNode()) {
            node.elements().forEachRemaining(child -> strings(child, each));
        }
    }

    private static List<String> templateValues(JsonNode node, String path, List<Problem> problems) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            if (node.isEmpty()) {
                problems.add(new Problem(path, "[]", "is empty; the template would expand to no requests"));
            }
            for (int i = 0; i < node.size(); i++) {
                JsonNode value = node.get(i);
                if (value.isValueNode() && !value.isNull()) {
                    values.add(value.asText());
                } else {
                    problems.add(new Problem(path + "[" + i + "]", Fields.shown(value), "must be a string or a number"));
                }
            }
            return values;
        }
        if (!node.isObject()) {
            problems.add(new Problem(path, Fields.shown(node), "must be a list of values or a {\"from\", \"to\"} range"));
            return values;
        }
        Fields range = new Fields(node, path, problems);
        int before = problems.size();
        range.rejectUnknown(RANGE_FIELDS);
        if (!range.has("from") || !range.has("to")) {
            problems.add(new Problem(path, Fields.shown(node), "a range needs both from and to"));
            return values;
        }
        int from = range.integer("from", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        int to = range.integer("to", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        int step = range.integer("step", 1, 1, Integer.MAX_VALUE);
        if (problems.size() > before) {
            return values;
        }
        if (to < from) {
            problems.add(new Problem(path + ".to", Integer.toString(to), "is below from (" + from + ")"));
        } else if ((long) to - from > MAX_TEMPLATE_REQUESTS * (long) step) {
            problems.add(new Problem(path, Fields.shown(node), "spans more than " + MAX_TEMPLATE_REQUESTS + " values"));
        } else {
            return new NumberRange(from, to, step);
        }
        return values;
    }
}
