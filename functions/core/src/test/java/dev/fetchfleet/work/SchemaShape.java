package dev.fetchfleet.work;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A structural check of a document against one of the contract schemas (no validator on the classpath):
 * every property a schema {@code required}s is there, no property it does not list is, one {@code oneOf}
 * alternative's required properties are all there; followed through {@code $ref}s, nested objects, maps
 * ({@code additionalProperties} a schema) and arrays. Types and formats are not checked.
 */
final class SchemaShape {

    private static final String DIRECTORY = "/dev/fetchfleet/contracts/";

    private final ObjectMapper mapper;

    SchemaShape(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    JsonNode schema(String file) {
        try (InputStream in = SchemaShape.class.getResourceAsStream(DIRECTORY + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no schema " + DIRECTORY + file);
            }
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What in {@code document} breaks {@code schemaFile}'s shape, each with its path; empty when nothing does. */
    List<String> problems(JsonNode document, String schemaFile) {
        List<String> problems = new ArrayList<>();
        JsonNode root = schema(schemaFile);
        walk(document, root, root, "$", problems);
        return problems;
    }

    private void walk(JsonNode value, JsonNode schema, JsonNode root, String path, List<String> problems) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            if (ref.startsWith("#/$defs/")) {
                walk(value, root.get("$defs").get(ref.substring("#/$defs/".length())), root, path, problems);
            } else {
                JsonNode other = schema(ref);
                walk(value, other, other, path, problems);
            }
            return;
        }
        if (value == null || value.isNull()) {
            return;
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                walk(value.get(i), schema.get("items"), root, path + "[" + i + "]", problems);
            }
            return;
        }
        if (!value.isObject()) {
            return;
        }
        for (JsonNode name : schema.path("required")) {
            if (!value.has(name.asText())) {
                problems.add(path + " lacks required " + name.asText());
            }
        }
        if (schema.has("oneOf")) {
            boolean any = false;
            for (JsonNode alternative : schema.get("oneOf")) {
                boolean all = true;
                for (JsonNode name : alternative.path("required")) {
                    all &= value.has(name.asText());
                }
                any |= all;
            }
            if (!any) {
                problems.add(path + " matches no oneOf alternative's required properties");
            }
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.get("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String at = path + "." + field.getKey();
            if (properties.has(field.getKey())) {
                walk(field.getValue(), properties.get(field.getKey()), root, at, problems);
            } else if (additional != null && additional.isObject()) {
                walk(field.getValue(), additional, root, at, problems);
            } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
                problems.add(at + " is not in the schema");
            }
        }
    }
}
