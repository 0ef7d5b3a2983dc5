package dev.fetchfleet.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fetchfleet.fetch.Redaction;
import java.util.ArrayList;

/** Redacts the values of sensitive headers anywhere in a job document before it is stored. */
final class Secrets {

    private Secrets() {}

    static JsonNode redacted(JsonNode job) {
        JsonNode copy = job.deepCopy();
        redactInPlace(copy);
        return copy;
    }

    private static void redactInPlace(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode headers = object.get("headers");
            if (headers instanceof ObjectNode headerObject) {
                for (String name : new ArrayList<>(iterable(headerObject))) {
                    if (Redaction.isSensitive(name)) {
                        headerObject.set(name, TextNode.valueOf(Redaction.REDACTED));
                    }
                }
            }
            object.elements().forEachRemaining(Secrets::redactInPlace);
        } else if (node != null && node.isArray()) {
            node.elements().forEachRemaining(Secrets::redactInPlace);
        }
    }

    private static java.util.List<String> iterable(ObjectNode node) {
        java.util.List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
