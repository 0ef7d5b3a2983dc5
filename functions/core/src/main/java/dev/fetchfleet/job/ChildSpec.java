package dev.fetchfleet.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One level of child requests: for every item at {@code itemsPath} of every 2xx JSON page of the parent,
 * one request made from {@code url}, {@code headers} and {@code body} with each {@code {placeholder}} bound
 * from the item's dot path in {@code bind}. {@code paginate} (null: none), {@code fetch} and
 * {@code chunkSize} are the parent's where the job does not give them; {@code children} are the next level.
 * It travels in chunk messages, so a worker that wrote a parent part can make the children alone.
 */
public record ChildSpec(@JsonProperty("source") String source,
                        @JsonProperty("itemsPath") String itemsPath,
                        @JsonProperty("bind") Map<String, String> bind,
                        @JsonProperty("method") String method,
                        @JsonProperty("url") String url,
                        @JsonProperty("headers") Map<String, String> headers,
                        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("body") JsonNode body,
                        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("paginate") Paginate paginate,
                        @JsonProperty("fetch") FetchConfig fetch,
                        @JsonProperty("chunkSize") int chunkSize,
                        @JsonProperty("children") List<ChildSpec> children) {

    public ChildSpec {
        bind = bind == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(bind));
        headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        body = body == null || body.isNull() ? null : body;
        children = children == null ? List.of() : List.copyOf(children);
    }

    /** How many levels hang below this one, itself included. */
    public int depth() {
        return 1 + children.stream().mapToInt(ChildSpec::depth).max().orElse(0);
    }

    /** The fewest lanes the caps of this level and those below it allow (see {@link FetchConfig.PerHost#maxLanes()}). */
    public int maxLanes() {
        int lanes = fetch.perHost().maxLanes();
        for (FetchConfig.PerHost caps : fetch.hosts().values()) {
            lanes = Math.min(lanes, caps.maxLanes());
        }
        for (ChildSpec child : children) {
            lanes = Math.min(lanes, child.maxLanes());
        }
        return lanes;
    }
}
