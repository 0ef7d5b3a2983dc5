package dev.fetchfleet.dispatch;

import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.RequestList;
import dev.fetchfleet.job.RequestSpec;
import dev.fetchfleet.plan.FleetLayout;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a user should know, before the run starts, about how the API's caps bind it: a cap the user
 * never wrote (a default) that sets the run's pace, with the field to raise; a cap the fleet cannot
 * reach with its workers' sockets; a cap below the worker count, which lets fewer workers fetch.
 */
public final class FleetCaps {

    private FleetCaps() {}

    public static List<String> notes(Job job, List<RequestSpec> requests, FleetLayout layout, int workers) {
        Map<String, URI> hosts = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (RequestSpec request : requests) {
            hosts.putIfAbsent(request.host(), request.url());
            counts.merge(request.host(), 1, Integer::sum);
        }
        return notes(job, hosts, counts, layout, workers);
    }

    /** The same from one reading of the list (its first {@link RequestList#MAX_HOSTS} hosts). */
    public static List<String> notes(Job job, RequestList list, FleetLayout layout, int workers) {
        Map<String, URI> hosts = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        list.hosts().forEach((host, count) -> {
            hosts.put(host, count.url());
            counts.put(host, count.requests());
        });
        return notes(job, hosts, counts, layout, workers);
    }

    private static List<String> notes(Job job, Map<String, URI> hosts, Map<String, Integer> counts, FleetLayout layout, int workers) {
        FetchConfig fetch = job.fetch();
        double latency = job.plan().latencyMillis() / 1000.0;
        double pages = job.plan().pagesPerRequest();
        List<String> notes = new ArrayList<>();
        hosts.forEach((host, url) -> {
            FetchConfig.PerHost caps = fetch.capsFor(url.getHost(), url.getPort());
            boolean perHostDefaults = caps == fetch.perHost();
            int n = counts.get(host);
            double byConcurrency = latency * Math.ceil(n / (double) caps.maxConcurrency()) * pages;
            double byRate = n * pages / caps.requestsPerSecond();
            if (byRate > byConcurrency && perHostDefaults && caps.requestsPerSecond() == FetchConfig.PerHost.DEFAULT.requestsPerSecond()) {
                notes.add("%s: %,d requests are paced by fetch.perHost.requestsPerSecond = %s, the default (about %s); raise it to what the API allows"
                        .formatted(host, n, trim(caps.requestsPerSecond()), seconds(byRate)));
            } else if (byConcurrency >= byRate && n > caps.maxConcurrency() && perHostDefaults
                    && caps.maxConcurrency() == FetchConfig.PerHost.DEFAULT.maxConcurrency()) {
                notes.add("%s: %,d requests are paced by fetch.perHost.maxConcurrency = %d, the default (about %s at %s a call); raise it to what the API allows"
                        .formatted(host, n, caps.maxConcurrency(), seconds(byConcurrency), seconds(latency)));
            }
            long reachable = (long) layout.lanes() * Math.min(caps.sharedBy(layout.lanes()).maxConcurrency(), fetch.maxInFlight());
            if (reachable < Math.min(caps.maxConcurrency(), n)) {
                notes.add(("%s: the fleet can hold only %,d of the API's %,d requests in flight (%d chunks at once x fetch.maxInFlight %d); "
                        + "raise fetch.maxInFlight (at most 900) or the worker concurrency to reach it")
                        .formatted(host, reachable, caps.maxConcurrency(), layout.lanes(), fetch.maxInFlight()));
            }
            if (workers > 0 && caps.maxLanes() < workers && layout.lanes() == caps.maxLanes() && layout.chunks() >= caps.maxLanes()) {
                notes.add("%s: its caps (%d in flight, %s/s) are below the %d workers, so only %d chunks fetch at once"
                        .formatted(host, caps.maxConcurrency(), trim(caps.requestsPerSecond()), workers, layout.lanes()));
            }
        });
        return notes;
    }

    private static String seconds(double value) {
        return value >= 120 ? String.format(Locale.ROOT, "%.0f min", value / 60) : String.format(Locale.ROOT, "%.1f s", value);
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
