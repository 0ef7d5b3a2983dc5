package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a job's {@code fetch} block (caps, retries, limits, checkpoint interval) by the parser's rules. */
final class FetchReader {

    private static final Set<String> FETCH_FIELDS = Set.of("maxInFlight", "perHost", "hosts", "timeoutSeconds", "retry",
            "maxResponseBytes", "redactHeaders", "allowLinkLocal", "allowPrivateNetworks", "checkpointIntervalMillis");
    private static final Set<String> PER_HOST_FIELDS = Set.of("maxConcurrency", "requestsPerSecond");
    private static final Set<String> RETRY_FIELDS = Set.of("maxAttempts", "baseDelayMillis", "maxDelayMillis", "retryOn500");
    private static final Pattern HOST_KEY = Pattern.compile("[A-Za-z0-9.-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+](:\\d{1,5})?");

    private FetchReader() {
    }

    static FetchConfig read(Fields fetch) {
        FetchConfig d = FetchConfig.DEFAULT;
        if (fetch == null) {
            return d;
        }
        fetch.rejectUnknown(FETCH_FIELDS);
        int maxInFlight = fetch.integer("maxInFlight", d.maxInFlight(), 1, JobParser.MAX_IN_FLIGHT);
        FetchConfig.PerHost perHost = perHost(fetch.object("perHost"), d.perHost());
        Map<String, FetchConfig.PerHost> hosts = new LinkedHashMap<>();
        Fields hostsField = fetch.object("hosts");
        if (hostsField != null) {
            fetch.get("hosts").fieldNames().forEachRemaining(name -> {
                if (!HOST_KEY.matcher(name).matches()) {
                    hostsField.problems().add(new Problem(hostsField.path(name), null, "is not a host name or host:port"));
                    return;
                }
                Fields caps = hostsField.object(name);
                if (caps != null) {
                    hosts.put(name.toLowerCase(java.util.Locale.ROOT), perHost(caps, perHost));
                }
            });
        }
        int timeout = fetch.integer("timeoutSeconds", d.timeoutSeconds(), 1, 900);
        FetchConfig.Retry retry = d.retry();
        Fields r = fetch.object("retry");
        if (r != null) {
            r.rejectUnknown(RETRY_FIELDS);
            int attempts = r.integer("maxAttempts", retry.maxAttempts(), 1, 20);
            int base = r.integer("baseDelayMillis", (int) retry.baseDelayMillis(), 0, 60_000);
            int max = r.integer("maxDelayMillis", (int) retry.maxDelayMillis(), 0, 900_000);
            if (max < base) {
                r.problem("maxDelayMillis", r.get("maxDelayMillis"), "must not be below baseDelayMillis (" + base + ")");
            }
            retry = new FetchConfig.Retry(attempts, base, max, r.bool("retryOn500", retry.retryOn500()));
        }
        long maxResponseBytes = fetch.integer("maxResponseBytes", (int) FetchConfig.DEFAULT_MAX_RESPONSE_BYTES, 1024, 100 * 1024 * 1024);
        List<String> redact = new ArrayList<>();
        JsonNode redactNode = fetch.get("redactHeaders");
        if (redactNode != null && !redactNode.isNull()) {
            if (!redactNode.isArray()) {
                fetch.problem("redactHeaders", redactNode, "must be a list of header names");
            } else {
                for (int i = 0; i < redactNode.size(); i++) {
                    if (redactNode.get(i).isTextual() && !redactNode.get(i).asText().isBlank()) {
                        redact.add(redactNode.get(i).asText());
                    } else {
                        fetch.problems().add(new Problem(fetch.path("redactHeaders") + "[" + i + "]",
                                Fields.shown(redactNode.get(i)), "must be a header name"));
                    }
                }
            }
        }
        boolean allowLinkLocal = fetch.bool("allowLinkLocal", false);
        boolean allowPrivateNetworks = fetch.bool("allowPrivateNetworks", false);
        // Below 100 ms a chunk pays a PUT per few pages again; above a minute a killed worker refetches a minute.
        int checkpointMillis = fetch.integer("checkpointIntervalMillis", (int) FetchConfig.DEFAULT_CHECKPOINT_INTERVAL_MILLIS, 100, 60_000);
        return new FetchConfig(maxInFlight, perHost, hosts, timeout, retry, maxResponseBytes, redact, allowLinkLocal,
                allowPrivateNetworks, checkpointMillis, null);
    }

    private static FetchConfig.PerHost perHost(Fields host, FetchConfig.PerHost defaults) {
        if (host == null) {
            return defaults;
        }
        // One meaning per field: maxConcurrency and requestsPerSecond are the API's own limits across the fleet.
        host.rejectUnknown(PER_HOST_FIELDS, Map.of(
                "apiMaxConcurrency", "is gone: write the API's limit in maxConcurrency, which now holds across the whole fleet",
                "apiRequestsPerSecond", "is gone: write the API's limit in requestsPerSecond, which now holds across the whole fleet"));
        int maxConcurrency = host.integer("maxConcurrency", defaults.maxConcurrency(), 1, JobParser.MAX_FLEET_CONCURRENCY);
        double rate = host.number("requestsPerSecond", defaults.requestsPerSecond(), 0, JobParser.MAX_FLEET_RATE);
        return new FetchConfig.PerHost(maxConcurrency, rate);
    }
}
