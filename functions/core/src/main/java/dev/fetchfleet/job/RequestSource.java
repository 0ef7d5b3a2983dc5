package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** Where a job's request list comes from: exactly one of these per job. */
public sealed interface RequestSource {

    /** {@code requests}: the list written into the job. */
    record Inline(List<RequestSpec> requests) implements RequestSource {
        public Inline {
            requests = List.copyOf(requests);
        }
    }

    /** {@code requestsFrom}: an {@code s3://} URI or local path of a JSON Lines file. */
    record FromFile(String location) implements RequestSource {}

    /**
     * {@code template}: a URL with {@code {name}} placeholders, expanded as the cross product of the
     * values given for each name (already expanded to strings, in order).
     */
    record Template(String method, String url, Map<String, String> headers, JsonNode body,
                    Map<String, List<String>> values) implements RequestSource {}
}
