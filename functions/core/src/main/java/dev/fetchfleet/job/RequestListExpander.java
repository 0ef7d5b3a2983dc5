package dev.fetchfleet.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
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

    private final ObjectMapper mapper;
    private final TextFiles files;

    public RequestListExpander(ObjectMapper mapper, TextFiles files) {
        this.mapper = mapper;
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
        try (BufferedReader reader = new BufferedReader(files.open(location))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String text = line.strip();
                if (text.isEmpty()) {
                    continue;
                }
                String path = "$.requestsFrom[" + location + " line " + number + "]";
                RequestSpec request;
                if (text.startsWith("{") || text.startsWith("\"")) {
                    JsonNode node;
                    try {
                        node = mapper.readTree(text);
                    } catch (JsonProcessingException e) {
                        problems.add(new Problem(path, abbreviate(text), "is not valid JSON: " + e.getOriginalMessage()));
                        continue;
                    }
                    request = RequestReader.read(node, path, problems, allowLinkLocal, paginate);
                } else {
                    URI url = RequestReader.url(text, path, problems, allowLinkLocal);
                    request = url == null ? null
                            : new RequestSpec(RequestReader.defaultId("GET", url, null), "GET", url, Map.of(), null, paginate);
                }
                if (request != null) {
                    requests.add(request);
                    lines.add(number);
                }
                if (problems.size() > 50) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw JobValidationException.of("$.requestsFrom", '"' + location + '"', "cannot be read: " + e.getMessage());
        }
        if (requests.isEmpty() && problems.isEmpty()) {
            problems.add(new Problem("$.requestsFrom", '"' + location + '"', "holds no requests; a job needs at least one"));
        }
        JobParser.checkDuplicateIds(requests, i -> "$.requestsFrom[" + location + " line " + lines.get(i) + "].id", problems);
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
        return requests;
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
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
                requests.add(new RequestSpec(RequestReader.defaultId(template.method(), uri, template.body()),
                        template.method(), uri, headers, template.body(), paginate));
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
        return JobParser.PLACEHOLDER.matcher(text).replaceAll(m ->
                java.util.regex.Matcher.quoteReplacement(binding.getOrDefault(m.group(1), m.group())));
    }
}
