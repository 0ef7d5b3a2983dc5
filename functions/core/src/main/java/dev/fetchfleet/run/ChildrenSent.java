package dev.fetchfleet.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a parent part (or a whole level) made of one child level: the child chunks announced, the child
 * requests in them, the items that made no request ({@code errors}: a bound value missing or not a scalar,
 * the first one's reason in {@code firstError}), and the children another parent part fetches ({@code shared}).
 */
public record ChildrenSent(@JsonProperty("chunks") int chunks,
                           @JsonProperty("requests") long requests,
                           @JsonProperty("errors") long errors,
                           @JsonProperty("shared") long shared,
                           @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("first_error") String firstError) {

    public static final ChildrenSent NONE = new ChildrenSent(0, 0, 0, 0, null);

    public ChildrenSent plus(ChildrenSent other) {
        return new ChildrenSent(chunks + other.chunks, requests + other.requests, errors + other.errors, shared + other.shared,
                firstError != null ? firstError : other.firstError);
    }
}
