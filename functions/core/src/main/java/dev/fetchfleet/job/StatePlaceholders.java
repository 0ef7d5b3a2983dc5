package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts state values into a job: every {@code {{state:NAME}}} in a string (URLs, headers, bodies,
 * template values) becomes the value the run starts from. The {@code incremental} object itself is
 * left as written. Phase two of {@link JobParser#parse(JsonNode, Map)}: the values come from the header
 * phase one read.
 */
public final class StatePlaceholders {

    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{state:([A-Za-z0-9_]+)}}");

    private StatePlaceholders() {}

    public static boolean mentions(JsonNode job) {
        return job != null && PLACEHOLDER.matcher(job.toString()).find();
    }

    public static JsonNode substitute(JsonNode job, Map<String, String> values) {
        List<Problem> problems = new ArrayList<>();
        JsonNode result = substitute(job, values, problems);
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
        return result;
    }

    /** As {@link #substitute(JsonNode, Map)}, adding a problem for each placeholder that names no state. */
    static JsonNode substitute(JsonNode job, Map<String, String> values, List<Problem> problems) {
        return walk(job.deepCopy(), "$", values, problems);
    }

    private static JsonNode walk(JsonNode node, String path, Map<String, String> values, List<Problem> problems) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (path.equals("$") && name.equals("incremental")) {
                    continue;
                }
                object.set(name, walk(object.get(name), path + "." + name, values, problems));
            }
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, walk(array.get(i), path + "[" + i + "]", values, problems));
            }
            return array;
        }
        if (node != null && node.isTextual()) {
            Matcher m = PLACEHOLDER.matcher(node.asText());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = values.get(m.group(1));
                if (value == null) {
                    problems.add(new Problem(path, '"' + node.asText() + '"', "{{state:" + m.group(1)
                            + "}} names no state; known here: " + values.keySet() + " (declare it with \"incremental\")"));
                    return node;
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return TextNode.valueOf(out.toString());
        }
        return node;
    }
}
