package dev.fetchfleet.bronze;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** Where a child record came from: the parent's source, request and page, and the values bound from its item. */
public record ParentRef(@JsonProperty("source") String source,
                        @JsonProperty("request_id") String requestId,
                        @JsonProperty("page") int page,
                        @JsonProperty("bind") Map<String, String> bind) {

    public ParentRef {
        bind = bind == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(bind));
    }
}
