package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the {@code {{kind:name}}} references a job may not use: a kind nobody resolves ({@code {{vault:x}}}
 * would be sent as written), or a secret reference where secrets are not resolved (header values and auth credentials are).
 * {@code {{state:NAME}}} is the dispatcher's to fill, and checked there.
 */
final class References {

    private static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_-]*)\\s*:[^}]*}}");
    private static final Set<String> SECRET_KINDS = Set.of("secretsmanager", "ssm");

    private References() {}

    /** Whether {@code text} holds a {@code {{secretsmanager:…}}} or {@code {{ssm:…}}} reference. */
    static boolean namesSecret(String text) {
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            if (SECRET_KINDS.contains(m.group(1))) {
                return true;
            }
        }
        return false;
    }

    static void check(JsonNode node, String path, List<Problem> problems) {
        walk(node, path, false, problems);
    }

    private static void walk(JsonNode node, String path, boolean headerValue, List<Problem> problems) {
        if (problems.size() > 50) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                boolean inHeaders = path.endsWith(".headers")
                        || path.endsWith(".auth") && Auth.SECRET_FIELDS.contains(field.getKey());
                if (!(path.equals("$") && field.getKey().equals("incremental"))) {
                    walk(field.getValue(), path + "." + field.getKey(), inHeaders, problems);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", false, problems);
            }
        } else if (node.isTextual()) {
            Matcher m = REFERENCE.matcher(node.asText());
            while (m.find()) {
                String kind = m.group(1);
                if (kind.equals("state")) {
                    continue;
                }
                if (!SECRET_KINDS.contains(kind)) {
                    problems.add(new Problem(path, null, "uses {{" + kind + ":…}}, which is no known reference; known: "
                            + "{{secretsmanager:NAME}} and {{ssm:NAME}} in header and auth values, {{state:NAME}}"));
                } else if (!headerValue) {
                    problems.add(new Problem(path, null, "uses {{" + kind + ":…}} outside a header value or an auth credential; "
                            + "secret references are resolved in header values and auth credentials only"));
                }
            }
        }
    }
}
