package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads fields of one JSON object while collecting problems with their JSON paths, so a job with five
 * mistakes is rejected once with all five rather than five times.
 */
final class Fields {

    private final JsonNode node;
    private final String path;
    private final List<Problem> problems;

    Fields(JsonNode node, String path, List<Problem> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    static String shown(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return null;
        }
        String text = value.toString();
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    String path(String field) {
        return path + "." + field;
    }

    List<Problem> problems() {
        return problems;
    }

    void problem(String field, JsonNode value, String message) {
        problems.add(new Problem(path(field), shown(value), message));
    }

    /** Every field not in {@code known} is an error: a typo must not silently become a default. */
    void rejectUnknown(Set<String> known) {
        rejectUnknown(known, java.util.Map.of());
    }

    /** As {@link #rejectUnknown(Set)}, with fields that used to exist answered by what to write instead. */
    void rejectUnknown(Set<String> known, java.util.Map<String, String> retired) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (retired.containsKey(name)) {
                problems.add(new Problem(path(name), shown(node.get(name)), retired.get(name)));
            } else if (!known.contains(name)) {
                problems.add(new Problem(path(name), shown(node.get(name)),
                        "unknown field; expected one of " + new ArrayList<>(new java.util.TreeSet<>(known))));
            }
        }
    }

    java.util.Iterator<String> fieldNames() {
        return node.fieldNames();
    }

    boolean has(String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    JsonNode get(String field) {
        return node.get(field);
    }

    String string(String field, String fallback, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(new Problem(path(field), null, "is required"));
            }
            return fallback;
        }
        if (!value.isTextual()) {
            problem(field, value, "must be a string");
            return fallback;
        }
        return value.asText();
    }

    int integer(String field, int fallback, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            problem(field, value, "must be a whole number from " + min + " to " + max);
            return fallback;
        }
        int number = value.asInt();
        if (number < min || number > max) {
            problem(field, value, "must be from " + min + " to " + max);
            return fallback;
        }
        return number;
    }

    double number(String field, double fallback, double minExclusive, double max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber()) {
            problem(field, value, "must be a number above " + minExclusive + " and at most " + max);
            return fallback;
        }
        double number = value.asDouble();
        if (!(number > minExclusive) || number > max) {
            problem(field, value, "must be above " + minExclusive + " and at most " + max);
            return fallback;
        }
        return number;
    }

    boolean bool(String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            problem(field, value, "must be true or false");
            return fallback;
        }
        return value.asBoolean();
    }

    /** The nested object at {@code field}, or null (with a problem if present but not an object). */
    Fields object(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            problem(field, value, "must be an object");
            return null;
        }
        return new Fields(value, path(field), problems);
    }
}
