package dev.fetchfleet.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fetchfleet.bronze.ParentRef;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.ChildSpec;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.util.List;
import java.util.Map;

/**
 * A slice of a run's requests that one worker invocation fetches and writes as one part.
 *
 * @param lanes    how many of the run's chunks may fetch at once; this chunk may use 1/lanes of the API's
 *                 caps in {@code fetch} (a message from before lanes existed reads as 1)
 * @param fetch    the job's fetch settings, caps as the API states them for the whole fleet
 * @param origin   for a chunk of child requests, the parent level and this chunk's name (null for the job's own)
 * @param children the levels to make from this chunk's part once it is written (empty: none)
 * @param parents  for child requests, each request's parent by request id (what its records carry)
 */
public record Chunk(RunRef run, int index, int chunkCount, int lanes, FetchConfig fetch, List<RequestSpec> requests,
                    @JsonInclude(JsonInclude.Include.NON_NULL) Origin origin,
                    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ChildSpec> children,
                    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, ParentRef> parents) {

    public Chunk {
        requests = List.copyOf(requests);
        lanes = Math.max(1, lanes);
        children = children == null ? List.of() : List.copyOf(children);
        parents = parents == null ? Map.of() : Map.copyOf(parents);
    }

    public Chunk(RunRef run, int index, int chunkCount, int lanes, FetchConfig fetch, List<RequestSpec> requests) {
        this(run, index, chunkCount, lanes, fetch, requests, null, List.of(), Map.of());
    }

    /** This chunk, making {@code children} from its part once written. */
    public Chunk withChildren(List<ChildSpec> levels) {
        return new Chunk(run, index, chunkCount, lanes, fetch, requests, origin, levels, parents);
    }

    /** Where a chunk of child requests comes from: its parent level, and its name there ({@code 00003-00001}). */
    public record Origin(@JsonProperty("parent_run") RunRef parentRun, @JsonProperty("name") String name) {}

    /** What names this chunk's part, summary and checkpoint: its index in five digits, or a child chunk's name. */
    @JsonIgnore
    public String name() {
        return origin == null ? RunRef.chunkName(index) : origin.name();
    }

    /** What this chunk's worker may use: its lane's share of every host's caps. */
    public FetchConfig fetchShare() {
        return fetch.sharedBy(lanes);
    }
}
