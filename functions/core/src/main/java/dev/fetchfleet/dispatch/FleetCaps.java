package dev.fetchfleet.dispatch;

import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet's arithmetic: per-host caps hold per worker, so across the fleet a host can see up to
 * (worker maximum concurrency × per-worker cap). Where a job states the API's own limits
 * ({@code apiMaxConcurrency}, {@code apiRequestsPerSecond}), a fleet that could exceed them is worth
 * a warning before the run starts, with the per-worker cap that would fit.
 */
final class FleetCaps {

    private FleetCaps() {}

    static List<String> warnings(FetchConfig fetch, List<RequestSpec> requests, int workerMaxConcurrency) {
        if (workerMaxConcurrency <= 0) {
            return List.of();
        }
        Map<String, URI> hosts = new LinkedHashMap<>();
        requests.forEach(r -> hosts.putIfAbsent(r.host(), r.url()));
        List<String> warnings = new ArrayList<>();
        hosts.forEach((host, url) -> {
            FetchConfig.PerHost caps = fetch.capsFor(url.getHost(), url.getPort());
            long fleetConcurrency = (long) workerMaxConcurrency * caps.maxConcurrency();
            if (caps.apiMaxConcurrency() != null && fleetConcurrency > caps.apiMaxConcurrency()) {
                warnings.add(("%s: %d workers x maxConcurrency %d = %d requests in flight can exceed the API's %d; "
                        + "set maxConcurrency to at most %d for this host").formatted(host, workerMaxConcurrency,
                        caps.maxConcurrency(), fleetConcurrency, caps.apiMaxConcurrency(),
                        Math.max(1, caps.apiMaxConcurrency() / workerMaxConcurrency)));
            }
            double fleetRate = workerMaxConcurrency * caps.requestsPerSecond();
            if (caps.apiRequestsPerSecond() != null && fleetRate > caps.apiRequestsPerSecond()) {
                warnings.add(("%s: %d workers x requestsPerSecond %s = %s/s can exceed the API's %s/s; "
                        + "set requestsPerSecond to at most %s for this host").formatted(host, workerMaxConcurrency,
                        trim(caps.requestsPerSecond()), trim(fleetRate), trim(caps.apiRequestsPerSecond()),
                        trim(caps.apiRequestsPerSecond() / workerMaxConcurrency)));
            }
        });
        return warnings;
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.2f", value);
    }
}
