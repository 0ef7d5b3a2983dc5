package dev.fetchfleet.job;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * What one reading of a job's request list learned, without keeping the list: how many requests, the
 * first {@link #SAMPLE} of them (the planner models a chunk on them), the hosts met (up to
 * {@link #MAX_HOSTS}) with their counts, the most chunks that may fetch at once under every cap met,
 * and for a {@code requestsFrom} file, where every {@link #MARK_EVERY}-th request's line starts, so a
 * slice of the list can be read from there (a byte range of an S3 object) instead of from the top, and the
 * file's {@code version} at that reading (null for a template or an inline list), which every later reading
 * of the run must find again.
 */
public record RequestList(int count, List<RequestSpec> sample, Map<String, HostCount> hosts, int maxLanes, List<Mark> marks,
                          String version) {

    /**
     * The most requests one job may hold: the duplicate-id check keeps 8 bytes per request
     * ({@link DistinctIds}), 160 MB at this count, inside the dispatcher's 256 MB heap.
     */
    public static final int MAX_REQUESTS = 20_000_000;
    public static final int SAMPLE = Job.MAX_CHUNK_SIZE;
    public static final int MAX_HOSTS = 1_000;
    public static final int MARK_EVERY = 1_000;

    /** A list that is not a file the run must pin ({@code version} null). */
    public RequestList(int count, List<RequestSpec> sample, Map<String, HostCount> hosts, int maxLanes, List<Mark> marks) {
        this(count, sample, hosts, maxLanes, marks, null);
    }

    public RequestList {
        sample = List.copyOf(sample);
        hosts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hosts)); // in the order met
        marks = List.copyOf(marks);
    }

    /** A host's first URL (its caps are looked up by it) and how many requests go to it. */
    public record HostCount(URI url, int requests) {}

    /** Request {@code index} is on line {@code line} of the file, which starts at byte {@code offset}. */
    public record Mark(long index, long line, long offset) {}

    /** Whether {@link #sample} is the whole list. */
    public boolean sampleIsAll() {
        return sample.size() == count;
    }

    /** Requests {@code from} (inclusive) to {@code to} (exclusive), read from the nearest mark before them. */
    public RequestRange range(long from, long to) {
        Mark start = new Mark(0, 1, 0);
        for (Mark mark : marks) { // at most MAX_REQUESTS / MARK_EVERY marks, sorted
            if (mark.index() > from) {
                break;
            }
            start = mark;
        }
        return new RequestRange(from, Math.min(to, count), start.index(), start.line(), start.offset(), version);
    }

    /** The fewest chunks that may fetch at once under {@code request}'s host caps and those of the hosts its chain may follow. */
    public static int lanesAllowed(RequestSpec request, FetchConfig fetch) {
        int lanes = fetch.capsFor(request.url().getHost(), request.url().getPort()).maxLanes();
        if (request.paginate() != null) {
            for (String allowed : request.paginate().allowHosts()) {
                lanes = Math.min(lanes, fetch.capsFor(allowed, -1).maxLanes());
            }
        }
        return lanes;
    }
}
