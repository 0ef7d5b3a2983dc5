package dev.fetchfleet.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fetchfleet.fetch.Redaction;
import java.util.ArrayList;

/** Redacts the values of sensitive headers and auth credentials anywhere in a job document before it is stored. */
final class Secrets {

    private Secrets() {}

    /** {@code alsoSensitive}: the job's own {@code fetch.redactHeaders}. */
    static JsonNode redacted(JsonNode job, java.util.List<String> alsoSensitive) {
        JsonNode copy = job.deepCopy();
        redactInPlace(copy, alsoSensitive);
        return copy;
    }

    private static void redactInPlace(JsonNode node, java.util.List<String> alsoSensitive) {
        if (node instanceof ObjectNode object) {
            JsonNode headers = object.get("headers");
            if (headers instanceof ObjectNode headerObject) {
                for (String name : new ArrayList<>(iterable(headerObject))) {
                    if (Redaction.isSensitive(name, alsoSensitive) && !onlyReferences(headerObject.get(name).asText())) {
                        headerObject.set(name, TextNode.valueOf(Redaction.REDACTED));
                    }
                }
            }
            JsonNode auth = object.get("auth");
            if (auth instanceof ObjectNode authObject) {
                // Credentials written as values (a test's) never reach the manifest; references stay, to say what was used.
                for (String name : dev.fetchfleet.job.Auth.SECRET_FIELDS) {
                    JsonNode value = authObject.get(name);
                    if (value != null && !value.isNull() && !(value.isTextual() && onlyReferences(value.asText()))) {
                        authObject.set(name, TextNode.valueOf(Redaction.REDACTED));
                    }
                }
            }
            object.elements().forEachRemaining(child -> redactInPlace(child, alsoSensitive));
        } else if (node != null && node.isArray()) {
            node.elements().forEachRemaining(child -> redactInPlace(child, alsoSensitive));
        }
    }

    /**
     * A value that holds nothing secret itself: secret references, at most beside an auth scheme word
     * ("Bearer {{secretsmanager:x}}"). A literal beside a reference ("Basic abc {{ssm:x}}") is redacted.
     */
    static boolean onlyReferences(String value) {
        if (!dev.fetchfleet.fetch.SecretReferences.mentions(value)) {
            return false;
        }
        String rest = value.replaceAll("\\{\\{(secretsmanager|ssm):[^}]+}}", " ").strip();
        return rest.isEmpty() || rest.matches("[A-Za-z-]+");
    }

    private static java.util.List<String> iterable(ObjectNode node) {
        java.util.List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
