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

/**
 * Expands a job's request source into the full, checked request list. Like the parser, it collects
 * every problem (with its path, or file and line) and throws before anything is sent.
 */
public final class RequestListExpander {

    private final TextFiles files;

    /** The longest line a requestsFrom file may hold (a request's body included). */
    static final int MAX_LINE_CHARS = 256 * 1024;

    /** {@code mapper} is unused since lines are read by the strict {@link JobDocuments}; kept so callers need not change. */
    public RequestListExpander(ObjectMapper mapper, TextFiles files) {
        this.files = files;
    }

    public List<RequestSpec> expand(Job job) {
        return switch (job.requests()) {
            case RequestSource.Inline inline -> inline.requests();
            case RequestSource.FromFile file -> fromFile(file.location(), job.fetch().allowLinkLocal(), job.paginate());
            case RequestSource.Template template -> fromTemplate(template, job.fetch().allowLinkLocal(), job.paginate());
        };
    }

    private List<RequestSpec> fromFile(String location, boolean allowLinkLocal, Paginate paginate) {
        List<Problem> problems = new ArrayList<>();
        List<RequestSpec> requests = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        try (Reader reader = new BufferedReader(files.open(location))) {
            String line;
            int number = 0;
            while ((line = readLine(reader)) != null) {
                number++;
                String path = "$.requestsFrom[" + location + " line " + number + "]";
                if (line.length() > MAX_LINE_CHARS) {
                    problems.add(new Problem(path, null, "is longer than " + MAX_LINE_CHARS + " characters; reading stopped there"));
                    break;
                }
                String text = line.strip();
                if (text.isEmpty()) {
                    continue;
                }
                List<Problem> found = new ArrayList<>();
                RequestSpec request;
                if (text.startsWith("{") || text.startsWith("\"")) {
                    JsonNode node = JobDocuments.readLine(text, path, found);
                    if (node != null) {
                        References.check(node, path, found);
                    }
                    request = node == null ? null : RequestReader.read(node, path, found, allowLinkLocal, paginate);
                } else {
                    URI url = RequestReader.url(text, path, found, allowLinkLocal);
                    request = url == null ? null
                            : new RequestSpec(RequestReader.defaultId("GET", url, null), "GET", url, Map.of(), null, paginate);
                }
                found.forEach(problem -> problems.add(withoutContent(problem, path)));
                if (request != null) {
                    requests.add(request);
                    lines.add(number);
                }
                if (problems.size() > 50) {
                    break;
                }
                if (requests.size() > JobParser.MAX_TEMPLATE_REQUESTS) {
                    problems.add(new Problem("$.requestsFrom", '"' + location + '"', "holds more than "
                            + JobParser.MAX_TEMPLATE_REQUESTS + " requests; split the job"));
                    break;
                }
            }
        } catch (IOException e) {
            throw JobValidationException.of("$.requestsFrom", '"' + location + '"', "cannot be read: " + LocalTextFiles.reason(e));
        } catch (RuntimeException e) {
            throw JobValidationException.of("$.requestsFrom", '"' + location + '"', "cannot be read: " + e.getMessage());
        }
        if (requests.isEmpty() && problems.isEmpty()) {
            problems.add(new Problem("$.requestsFrom", '"' + location + '"', "holds no requests; a job needs at least one"));
        }
        List<Problem> duplicates = new ArrayList<>();
        JobParser.checkDuplicateIds(requests, i -> "$.requestsFrom[" + location + " line " + lines.get(i) + "].id", duplicates);
        duplicates.forEach(problem -> problems.add(new Problem(problem.path(), null, problem.message())));
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
        return requests;
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

    /** The cross product of the template's values, first name outermost, in the order written. */
    private static List<RequestSpec> fromTemplate(RequestSource.Template template, boolean allowLinkLocal, Paginate paginate) {
        List<String> names = new ArrayList<>(template.values().keySet());
        List<RequestSpec> requests = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        int[] index = new int[names.size()];
        while (true) {
            Map<String, String> binding = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                binding.put(names.get(i), template.values().get(names.get(i)).get(index[i]));
            }
            String url = fill(template.url(), binding);
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
                JsonNode body = fill(template.body(), binding);
                requests.add(new RequestSpec(RequestReader.defaultId(template.method(), uri, body),
                        template.method(), uri, headers, body, paginate));
            }
            if (problems.size() > 50) {
                break;
            }
            int i = names.size() - 1;
            while (i >= 0 && ++index[i] == template.values().get(names.get(i)).size()) {
                index[i] = 0;
                i--;
            }
            if (i < 0) {
                break;
            }
        }
        JobParser.checkDuplicateIds(requests, i -> "$.template (request " + i + ")", problems);
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
        return requests;
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
