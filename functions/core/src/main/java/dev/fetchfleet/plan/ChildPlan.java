package dev.fetchfleet.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fetchfleet.job.ChildSpec;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the levels of a job with children will hold, from a guess of the items per parent page
 * ({@code plan.itemsPerPage} or {@code --items-per-page}): each level's requests are its parent level's
 * pages times the items on each, its pages those requests times {@code pagesPerRequest} where it paginates.
 * The bound is the least wall time the API's caps allow for every level's calls together, as if they all
 * went to the one host with the tightest caps; levels overlap, so a run comes near it only with many parent parts.
 */
public final class ChildPlan {

    private ChildPlan() {}

    /** One level's predicted size. */
    public record Level(@JsonProperty("source") String source,
                        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("parent_source") String parentSource,
                        @JsonProperty("requests") long requests,
                        @JsonProperty("records") long records,
                        @JsonProperty("chunks") long chunks) {}

    /** Every level, the job's own first ({@code requests} and {@code pagesPerRequest} as the plan has them). */
    public static List<Level> levels(Job job, long requests, double pagesPerRequest, double itemsPerPage) {
        List<Level> levels = new ArrayList<>();
        long records = Math.round(requests * pagesPerRequest);
        levels.add(new Level(job.source(), null, requests, records, (requests + job.chunkSize() - 1) / job.chunkSize()));
        add(levels, job.source(), job.children(), records, pagesPerRequest, itemsPerPage);
        return levels;
    }

    private static void add(List<Level> levels, String parent, List<ChildSpec> children, long parentRecords, double pagesPerRequest,
                            double itemsPerPage) {
        for (ChildSpec child : children) {
            long requests = Math.round(parentRecords * itemsPerPage);
            long records = Math.round(requests * (child.paginate() == null ? 1 : pagesPerRequest));
            // Child chunks are cut per parent part, so a level has at least one per parent part that has any.
            levels.add(new Level(child.source(), parent, requests, records, (requests + child.chunkSize() - 1) / child.chunkSize()));
            add(levels, child.source(), child.children(), records, pagesPerRequest, itemsPerPage);
        }
    }

    /** The least seconds the caps allow for every level's calls: by the rate, and by the concurrency at the latency. */
    public static double boundSeconds(List<Level> levels, FetchConfig fetch, Duration latency) {
        long calls = levels.stream().mapToLong(Level::records).sum();
        FetchConfig.PerHost tightest = fetch.perHost();
        for (FetchConfig.PerHost caps : fetch.hosts().values()) {
            if (caps.requestsPerSecond() < tightest.requestsPerSecond()) {
                tightest = caps;
            }
        }
        return Math.max(calls / tightest.requestsPerSecond(), calls * (latency.toMillis() / 1000.0) / tightest.maxConcurrency());
    }
}
