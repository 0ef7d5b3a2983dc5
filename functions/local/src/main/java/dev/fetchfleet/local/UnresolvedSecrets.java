package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.fetch.SecretReferences;
import dev.fetchfleet.job.JobValidationException;
import dev.fetchfleet.job.Problem;
import dev.fetchfleet.job.TextFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Refuses, before anything is sent, a local run whose job names secrets ({@code {{ssm:…}}},
 * {@code {{secretsmanager:…}}}) when the run has no secret store: every chunk would fail its deliveries
 * and end in the dead-letter queue, when one line can say to pass {@code --resolve-secrets}.
 */
final class UnresolvedSecrets {

    static final String HINT = "names a secret, and this local run resolves none: pass --resolve-secrets to read it "
            + "through AWS (or --endpoint-url), or write the value in the job for a test";
    private static final int MAX_PROBLEMS = 20;

    private UnresolvedSecrets() {}

    /** @throws JobValidationException naming each place (JSON path, or requestsFrom file and line) that holds a reference */
    static void refuse(String jobDocument, TextFiles files, ObjectMapper mapper) {
        JsonNode job;
        try {
            job = mapper.readTree(jobDocument);
        } catch (IOException e) {
            return; // not JSON: the dispatcher's parser says so
        }
        List<Problem> problems = new ArrayList<>();
        walk(job, "$", problems);
        JsonNode from = job == null ? null : job.get("requestsFrom");
        if (from != null && from.isTextual() && problems.size() < MAX_PROBLEMS) {
            scan(from.asText(), files, problems);
        }
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
    }

    private static void walk(JsonNode node, String path, List<Problem> problems) {
        if (node == null || problems.size() >= MAX_PROBLEMS) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                walk(field.getValue(), path + "." + field.getKey(), problems);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", problems);
            }
        } else if (node.isTextual() && SecretReferences.mentions(node.asText())) {
            problems.add(new Problem(path, '"' + node.asText() + '"', HINT));
        }
    }

    private static void scan(String location, TextFiles files, List<Problem> problems) {
        try (BufferedReader reader = new BufferedReader(files.open(location))) {
            int number = 0;
            for (String line = reader.readLine(); line != null && problems.size() < MAX_PROBLEMS; line = reader.readLine()) {
                number++;
                if (SecretReferences.mentions(line)) {
                    problems.add(new Problem("$.requestsFrom[" + location + " line " + number + "]", null, HINT));
                }
            }
        } catch (IOException | RuntimeException e) {
            // A file that cannot be read is the dispatcher's to report, with its own words.
        }
    }
}
