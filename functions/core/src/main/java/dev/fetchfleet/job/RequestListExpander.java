package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Expands a job's request source into the full, checked request list. Like the parser, it collects
 * every problem (with its path, or file and line) and throws before anything is sent.
 */
public final class RequestListExpander {

    private final TextFiles files;
    private final java.util.function.ToLongFunction<String> idHash;

    /** The longest line a requestsFrom file may hold (a request's body included). */
    static final int MAX_LINE_CHARS = 256 * 1024;

    /** {@code mapper} is unused since lines are read by the strict {@link JobDocuments}; kept so callers need not change. */
    public RequestListExpander(ObjectMapper mapper, TextFiles files) {
        this(files, DistinctIds::hash);
    }

    /** {@code idHash}: the duplicate check's hash of an id (tests make every id collide). */
    RequestListExpander(TextFiles files, java.util.function.ToLongFunction<String> idHash) {
        this.files = files;
        this.idHash = idHash;
    }

    /**
     * The whole list, in memory, checked (duplicate ids with an exact set). For the planner and tests; a
     * dispatch reads the list twice instead ({@link #scan}, then {@link #read}), holding neither.
     */
    public List<RequestSpec> expand(Job job) {
        if (job.requests() instanceof RequestSource.Inline inline) {
            return inline.requests();
        }
        List<RequestSpec> requests = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        walk(job, RequestRange.all(RequestList.MAX_REQUESTS + 1L), problems, (request, index, path) -> {
            requests.add(request);
            paths.add(path);
        });
        List<Problem> duplicates = new ArrayList<>();
        JobParser.checkDuplicateIds(requests, i -> paths.get(i) + ".id", duplicates);
        boolean fromFile = job.requests() instanceof RequestSource.FromFile;
        // A requestsFrom file's ids are not the job author's to see (see withoutContent): its line alone names it.
        duplicates.forEach(p -> problems.add(fromFile ? new Problem(p.path(), null, p.message()) : p));
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
        return requests;
    }

    /**
     * Reads the whole list once, checking every request as {@link #expand} does, and keeps only what
     * planning needs ({@link RequestList}); duplicate ids are found with 8 bytes a request
     * ({@link DistinctIds}), and the list is read a second time only when two id hashes meet.
     *
     * @throws JobValidationException with every problem (up to 50), before anything is sent
     */
    public RequestList scan(Job job) {
        List<Problem> problems = new ArrayList<>();
        List<RequestSpec> sample = new ArrayList<>();
        Map<String, RequestList.HostCount> hosts = new LinkedHashMap<>();
        int[] lanes = {Integer.MAX_VALUE};
        DistinctIds ids = job.requests() instanceof RequestSource.Inline ? null : new DistinctIds(idHash);
        List<RequestList.Mark> marks = new ArrayList<>();
        long[] count = {0};
        String version = version(job);
        walk(job, everything(version), problems, new Visitor() {
            @Override
            public void accept(RequestSpec request, long index, String path) {
                count[0]++;
                if (sample.size() < RequestList.SAMPLE) {
                    sample.add(request);
                }
                String host = request.host();
                RequestList.HostCount seen = hosts.get(host);
                if (seen != null) {
                    hosts.put(host, new RequestList.HostCount(seen.url(), seen.requests() + 1));
                } else if (hosts.size() < RequestList.MAX_HOSTS) {
                    hosts.put(host, new RequestList.HostCount(request.url(), 1));
                }
                lanes[0] = Math.min(lanes[0], RequestList.lanesAllowed(request, job.fetch()));
                if (ids != null) {
                    ids.add(request.id());
                }
            }

            @Override
            public void line(long index, long line, long offset) {
                if (index % RequestList.MARK_EVERY == 0 && (marks.isEmpty() || marks.getLast().index() != index)) {
                    marks.add(new RequestList.Mark(index, line, offset));
                }
            }
        });
        if (problems.isEmpty() && ids != null) {
            long[] suspects = ids.suspects();
            if (suspects.length > 0) {
                checkSuspects(job, suspects, version, problems);
            }
        }
        if (problems.isEmpty() && version != null && !version.equals(version(job))) {
            // Rewritten while it was read: what was counted and checked may be neither the old text nor the new.
            problems.add(new Problem("$.requestsFrom", '"' + ((RequestSource.FromFile) job.requests()).location() + '"',
                    "changed while it was being read; run the job again once the file is written"));
        }
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
        return new RequestList((int) count[0], sample, hosts, lanes[0] == Integer.MAX_VALUE ? 1 : lanes[0], marks, version);
    }

    /** The second reading: of the ids whose hashes met, those equal to an earlier one, with both places. */
    private void checkSuspects(Job job, long[] suspects, String version, List<Problem> problems) {
        Map<String, String> firstPath = new java.util.HashMap<>();
        walk(job, everything(version), problems, (request, index, path) -> {
            if (java.util.Arrays.binarySearch(suspects, idHash.applyAsLong(request.id())) < 0 || problems.size() > 50) {
                return;
            }
            String earlier = firstPath.putIfAbsent(request.id(), path);
            if (earlier != null) {
                boolean fromFile = job.requests() instanceof RequestSource.FromFile;
                // A requestsFrom file's ids are not the job author's to see (see withoutContent): its line alone names it.
                problems.add(new Problem(path + ".id", fromFile ? null : '"' + request.id() + '"',
                        "duplicate request id (also at " + earlier + ".id); ids must be unique in a job"));
            }
        });
    }

    /**
     * Requests {@code range.from()} to {@code range.to()} of a list that {@link #scan} accepted, in order,
     * each handed to {@code each} as it is read.
     *
     * @throws JobValidationException if a request is no longer valid (the file changed since the scan)
     */
    public void read(Job job, RequestRange range, Consumer<RequestSpec> each) {
        List<Problem> problems = new ArrayList<>();
        walk(job, range, problems, (request, index, path) -> each.accept(request));
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
    }

    /** The version of a requestsFrom file as it is now ({@link TextFiles#version}); null for other lists. */
    private String version(Job job) {
        if (!(job.requests() instanceof RequestSource.FromFile file)) {
            return null;
        }
        try {
            return files.version(file.location());
        } catch (IOException e) {
            throw JobValidationException.of("$.requestsFrom", '"' + file.location() + '"', "cannot be read: " + LocalTextFiles.reason(e));
        }
    }

    private static RequestRange everything(String version) {
        return new RequestRange(0, RequestList.MAX_REQUESTS + 1L, 0, 1, 0, version);
    }

    /** What a reading of the list is told: each valid request with its place, and where each line of a file starts. */
    @FunctionalInterface
    private interface Visitor {
        void accept(RequestSpec request, long index, String path);

        default void line(long index, long line, long offset) {}
    }

    private void walk(Job job, RequestRange range, List<Problem> problems, Visitor visitor) {
        switch (job.requests()) {
            case RequestSource.Inline inline -> {
                for (long i = range.from(); i < Math.min(range.to(), inline.requests().size()); i++) {
                    visitor.accept(inline.requests().get((int) i), i, "$.requests[" + i + "]");
                }
            }
            case RequestSource.FromFile file -> fromFile(file.location(), job.fetch().allowLinkLocal(), job.paginate(), range, problems, visitor);
            case RequestSource.Template template -> fromTemplate(template, job.fetch().allowLinkLocal(), job.paginate(), range, problems, visitor);
        }
    }

    private void fromFile(String location, boolean allowLinkLocal, Paginate paginate, RequestRange range,
                          List<Problem> problems, Visitor visitor) {
        long index = range.startIndex();
        try (Reader reader = new BufferedReader(files.open(location, range.startOffset(), range.version()), 64 * 1024)) {
            String line;
            long number = range.startLine() - 1;
            long offset = range.startOffset();
            while (index < range.to() && (line = readLine(reader)) != null) {
                number++;
                long lineOffset = offset;
                offset += utf8Length(line) + 1;
                String path = "$.requestsFrom[" + location + " line " + number + "]";
                if (line.length() > MAX_LINE_CHARS) {
                    problems.add(new Problem(path, null, "is longer than " + MAX_LINE_CHARS + " characters; reading stopped there"));
                    break;
                }
                String text = line.strip();
                if (text.isEmpty()) {
                    continue;
                }
                visitor.line(index, number, lineOffset);
                List<Problem> found = new ArrayList<>();
                RequestSpec request = line(text, path, found, allowLinkLocal, paginate);
                found.forEach(problem -> problems.add(withoutContent(problem, path)));
                if (request != null && index >= range.from()) {
                    try {
                        visitor.accept(request, index, path);
                    } catch (RuntimeException e) {
                        throw new VisitorFailed(e);
                    }
                }
                index++;
                if (problems.size() > 50) {
                    break;
                }
                if (index > RequestList.MAX_REQUESTS) {
                    problems.add(new Problem("$.requestsFrom", '"' + location + '"', "holds more than "
                            + RequestList.MAX_REQUESTS + " requests; split the job"));
                    break;
                }
            }
        } catch (IOException e) {
            throw JobValidationException.of("$.requestsFrom", '"' + location + '"', "cannot be read: " + LocalTextFiles.reason(e));
        } catch (VisitorFailed e) {
            throw e.getCause(); // not the file's fault: a failed send, say
        } catch (JobValidationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw JobValidationException.of("$.requestsFrom", '"' + location + '"', "cannot be read: " + e.getMessage());
        }
        if (index == 0 && problems.isEmpty()) {
            problems.add(new Problem("$.requestsFrom", '"' + location + '"', "holds no requests; a job needs at least one"));
        }
    }

    /** What the reader of a file's requests threw, told apart from a failure to read the file. */
    private static final class VisitorFailed extends RuntimeException {
        VisitorFailed(RuntimeException cause) {
            super(cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }

    /** One non-blank line of a requestsFrom file: a request object, a JSON string URL, or a bare URL. */
    private static RequestSpec line(String text, String path, List<Problem> found, boolean allowLinkLocal, Paginate paginate) {
        if (text.startsWith("{") || text.startsWith("\"")) {
            JsonNode node = JobDocuments.readLine(text, path, found);
            if (node != null) {
                References.check(node, path, found);
            }
            return node == null ? null : RequestReader.read(node, path, found, allowLinkLocal, paginate);
        }
        URI url = RequestReader.url(text, path, found, allowLinkLocal);
        return url == null ? null : new RequestSpec(RequestReader.defaultId("GET", url, null), "GET", url, Map.of(), null, paginate);
    }

    /** The bytes UTF-8 gives a line read by a strict decoder, so the next line's offset is known without counting bytes. */
    static long utf8Length(String line) {
        long bytes = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            bytes += Character.isHighSurrogate(c) ? 4 : Character.isLowSurrogate(c) ? 0 : TextFiles.utf8Bytes(c);
        }
        return bytes;
    }

    /**
     * A requestsFrom file is not the job author's to see: whoever submits a job may name a file (an S3 object
     * the dispatcher's role can read) whose contents they must not learn. So a line's problem keeps its line
     * number, the request fields it names and the message, never the text: no value, and no key that the
     * request format does not define.
     */
    private static Problem withoutContent(Problem problem, String linePath) {
        String rest = problem.path().startsWith(linePath) ? problem.path().substring(linePath.length()) : "";
        StringBuilder kept = new StringBuilder(linePath);
        String parent = "";
        for (String segment : rest.split("(?=[.\\[])")) {
            boolean known = switch (parent) {
                case "" -> RequestReader.FIELDS.contains(segment.substring(Math.min(1, segment.length())));
                case ".paginate" -> RequestReader.PAGINATE_FIELDS.contains(segment.substring(Math.min(1, segment.length())));
                case ".paginate.allowHosts" -> segment.matches("\\[\\d+]");
                default -> false;
            };
            if (segment.isEmpty() || !known) {
                break;
            }
            kept.append(segment);
            parent = parent + segment;
        }
        return new Problem(kept.toString(), null, problem.message());
    }

    /** The next line, or null at the end; stops reading a line past {@link #MAX_LINE_CHARS} (a file with no newline). */
    private static String readLine(Reader reader) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = reader.read()) != -1) {
            if (c == '\n') {
                return line.toString();
            }
            line.append((char) c);
            if (line.length() > MAX_LINE_CHARS) {
                return line.toString();
            }
        }
        return line.isEmpty() ? null : line.toString();
    }

    /**
     * The cross product of the template's values, first name outermost, in the order written: request
     * {@code i} is {@code i} written in the mixed radix of the value lists' sizes (last name fastest), so
     * any slice is computed without the requests before it, from lists that only need size and get.
     */
    private static void fromTemplate(RequestSource.Template template, boolean allowLinkLocal, Paginate paginate,
                                     RequestRange range, List<Problem> problems, Visitor visitor) {
        List<String> names = new ArrayList<>(template.values().keySet());
        List<List<String>> lists = names.stream().map(template.values()::get).toList();
        long count = 1;
        for (List<String> list : lists) {
            count *= list.size();
        }
        int[] index = new int[names.size()];
        long rest = range.from();
        for (int i = names.size() - 1; i >= 0; i--) {
            index[i] = (int) (rest % lists.get(i).size());
            rest /= lists.get(i).size();
        }
        for (long n = range.from(); n < Math.min(range.to(), count); n++) {
            Map<String, String> binding = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                binding.put(names.get(i), lists.get(i).get(index[i]));
            }
            String url = fill(template.url(), binding);
            int before = problems.size();
            URI uri = RequestReader.url(url, "$.template.url (" + binding + ")", problems, allowLinkLocal);
            if (uri != null) {
                Map<String, String> headers = new LinkedHashMap<>();
                template.headers().forEach((k, v) -> headers.put(k, fill(v, binding)));
                headers.forEach((name, value) -> {
                    if (RequestReader.CONTROL.matcher(value).find()) {
                        problems.add(new Problem("$.template.headers." + name + " (" + binding + ")", null,
                                "holds a carriage return, line feed or NUL once filled, which no header value may"));
                    }
                });
                if (problems.size() == before) {
                    JsonNode body = fill(template.body(), binding);
                    visitor.accept(new RequestSpec(RequestReader.defaultId(template.method(), uri, body),
                            template.method(), uri, headers, body, paginate), n, "$.template (request " + n + ")");
                }
            }
            if (problems.size() > 50) {
                break;
            }
            int i = names.size() - 1;
            while (i >= 0 && ++index[i] == lists.get(i).size()) {
                index[i] = 0;
                i--;
            }
        }
    }

    private static String fill(String text, Map<String, String> binding) {
        return JobParser.PLACEHOLDER.matcher(text).replaceAll(m -> {
            String value = binding.get(m.group(1));
            if (value == null) {
                return java.util.regex.Matcher.quoteReplacement(m.group());
            }
            // A date window's value is its interval "start/end"; {name.start} and {name.end} are its halves.
            return java.util.regex.Matcher.quoteReplacement(m.group(2) == null ? value : DateWindows.half(value, m.group(2).equals("start")));
        });
    }

    /** A template body with placeholders filled in every string of it (null stays null). */
    private static JsonNode fill(JsonNode body, Map<String, String> binding) {
        if (body == null) {
            return null;
        }
        if (body.isTextual()) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(fill(body.asText(), binding));
        }
        if (body.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = body.deepCopy();
            copy.properties().forEach(field -> field.setValue(fill(field.getValue(), binding)));
            return copy;
        }
        if (body.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode copy = body.deepCopy();
            for (int i = 0; i < copy.size(); i++) {
                copy.set(i, fill(copy.get(i), binding));
            }
            return copy;
        }
        return body;
    }
}
