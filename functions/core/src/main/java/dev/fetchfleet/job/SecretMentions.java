package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a job document names a secret ({@code {{secretsmanager:…}}}, {@code {{ssm:…}}}): each string that
 * holds one, by JSON path, and each line of its {@code requestsFrom} file that does. A run that resolves no
 * secrets refuses such a job with these places before it sends anything.
 */
public final class SecretMentions {

    /** A string of the job ({@code value} as written), or a line of its requestsFrom file ({@code value} null: not the job author's to see). */
    public record Place(String path, String value) {}

    private SecretMentions() {}

    /** At most {@code max} places, from the document {@link JobDocuments} read; a requestsFrom file that cannot be read is the parser's to report. */
    public static List<Place> in(JsonNode job, TextFiles files, int max) {
        List<Place> places = new ArrayList<>();
        walk(job, "$", places, max);
        JsonNode from = job.get("requestsFrom");
        if (from != null && from.isTextual() && places.size() < max) {
            scan(from.asText(), files, places, max);
        }
        return places;
    }

    private static void walk(JsonNode node, String path, List<Place> places, int max) {
        if (node == null || places.size() >= max) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                walk(field.getValue(), path + "." + field.getKey(), places, max);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", places, max);
            }
        } else if (node.isTextual() && References.namesSecret(node.asText())) {
            places.add(new Place(path, node.asText()));
        }
    }

    private static void scan(String location, TextFiles files, List<Place> places, int max) {
        try (BufferedReader reader = new BufferedReader(files.open(location))) {
            int number = 0;
            for (String line = reader.readLine(); line != null && places.size() < max; line = reader.readLine()) {
                number++;
                if (References.namesSecret(line)) {
                    places.add(new Place("$.requestsFrom[" + location + " line " + number + "]", null));
                }
            }
        } catch (IOException | RuntimeException e) {
            // A file that cannot be read is the dispatcher's to report, with its own words.
        }
    }
}
