package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;

/**
 * Dot paths into a JSON body, as jobs write them: {@code data.items}, {@code links.0.href}; a negative
 * index counts from a list's end, so {@code data.-1.id} is the last item's id (Stripe's cursor).
 */
public final class DotPath {

    private static final Pattern INDEX = Pattern.compile("-?\\d{1,9}");

    private DotPath() {}

    /** Whether {@code dotPath} names something: no empty step. */
    public static boolean valid(String dotPath) {
        if (dotPath == null || dotPath.isEmpty()) {
            return false;
        }
        for (String part : dotPath.split("\\.", -1)) {
            if (part.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The node at the path; null when any step is absent. */
    public static JsonNode at(JsonNode node, String dotPath) {
        if (node == null || dotPath == null) {
            return null;
        }
        JsonNode current = node;
        for (String part : dotPath.split("\\.")) {
            if (current == null) {
                return null;
            }
            if (current.isArray() && INDEX.matcher(part).matches()) {
                int index = Integer.parseInt(part);
                current = current.get(index < 0 ? current.size() + index : index);
            } else {
                current = current.get(part);
            }
        }
        return current;
    }

    /**
     * A copy of {@code root} (an object, or null for a new one) with {@code value} at the path, objects made
     * on the way as needed.
     *
     * @throws IllegalArgumentException when a step on the way is a value or a list, not an object
     */
    public static ObjectNode with(JsonNode root, String dotPath, JsonNode value) {
        if (root != null && !root.isObject()) {
            throw new IllegalArgumentException("the request body is not a JSON object, so " + dotPath + " cannot be set in it");
        }
        ObjectNode copy = root == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : root.deepCopy();
        ObjectNode current = copy;
        String[] parts = dotPath.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = current.get(parts[i]);
            if (next == null || next.isNull()) {
                current = current.putObject(parts[i]);
            } else if (next instanceof ObjectNode object) {
                current = object;
            } else {
                throw new IllegalArgumentException("the request body holds a " + next.getNodeType().name().toLowerCase()
                        + " at " + parts[i] + ", so " + dotPath + " cannot be set in it");
            }
        }
        current.set(parts[parts.length - 1], value);
        return copy;
    }
}
