package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;

/** Dot paths into a JSON body, as jobs write them: {@code data.items}, {@code links.0.href}. */
public final class DotPath {

    private DotPath() {}

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
            current = current.isArray() && !part.isEmpty() && part.chars().allMatch(Character::isDigit)
                    ? current.get(Integer.parseInt(part)) : current.get(part);
        }
        return current;
    }
}
