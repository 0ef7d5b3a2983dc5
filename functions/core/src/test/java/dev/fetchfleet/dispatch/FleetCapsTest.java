package dev.fetchfleet.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The warnings a dispatcher gives when the whole fleet, at its per-worker caps, could exceed the API's own limits. */
class FleetCapsTest {

    private static final List<RequestSpec> ONE_HOST = List.of(get("https://api.example.com/1"), get("https://api.example.com/2"));

    private static RequestSpec get(String url) {
        return new RequestSpec(url, "GET", URI.create(url), Map.of(), null);
    }

    private static FetchConfig fetch(FetchConfig.PerHost perHost, Map<String, FetchConfig.PerHost> hosts) {
        return new FetchConfig(256, perHost, hosts, 30, FetchConfig.Retry.DEFAULT, 0, List.of(), false);
    }

    private static void assertMentions(String warning, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(warning.contains(fragment), () -> "expected <" + fragment + "> in: " + warning);
        }
    }

    @Test
    void warnsWhenTheFleetsConcurrencyCanExceedTheApis() {
        // 10 workers x 8 = 80 in flight, against an API that takes 50: 5 per worker would fit.
        FetchConfig config = fetch(new FetchConfig.PerHost(8, 1_000, 50, null), Map.of());

        List<String> warnings = FleetCaps.warnings(config, ONE_HOST, 10);

        assertEquals(1, warnings.size(), warnings::toString);
        assertMentions(warnings.getFirst(), "api.example.com", "10 workers", "maxConcurrency 8", "80", "API's 50",
                "at most 5");
    }

    @Test
    void warnsWhenTheFleetsRateCanExceedTheApis() {
        // 4 workers x 20/s = 80/s against 50/s: 12.5/s per worker would fit.
        FetchConfig config = fetch(new FetchConfig.PerHost(2, 20, null, 50.0), Map.of());

        List<String> warnings = FleetCaps.warnings(config, ONE_HOST, 4);

        assertEquals(1, warnings.size(), warnings::toString);
        assertMentions(warnings.getFirst(), "api.example.com", "4 workers", "requestsPerSecond 20", "80/s", "API's 50/s",
                "at most " + String.format("%.2f", 12.5));
    }

    @Test
    void warnsOfBothLimitsAtOnce() {
        FetchConfig config = fetch(new FetchConfig.PerHost(8, 20, 50, 50.0), Map.of());

        assertEquals(2, FleetCaps.warnings(config, ONE_HOST, 10).size());
    }

    @Test
    void usesEachHostsOverrideAndNamesTheHost() {
        FetchConfig config = fetch(new FetchConfig.PerHost(2, 5, 100, 100.0),
                Map.of("slow.example.com", new FetchConfig.PerHost(4, 10, 8, null)));
        List<RequestSpec> requests = List.of(get("https://api.example.com/1"), get("https://slow.example.com/1"),
                get("https://slow.example.com/2"));

        List<String> warnings = FleetCaps.warnings(config, requests, 5);

        // api.example.com: 5 x 2 = 10 <= 100 and 5 x 5 = 25/s <= 100/s; slow.example.com: 5 x 4 = 20 > 8.
        assertEquals(1, warnings.size(), warnings::toString);
        assertMentions(warnings.getFirst(), "slow.example.com", "5 workers", "maxConcurrency 4", "20", "API's 8", "at most 1");
    }

    @Test
    void namesAHostOverriddenByHostAndPortWithItsPort() {
        FetchConfig config = fetch(FetchConfig.PerHost.DEFAULT,
                Map.of("api.example.com:8443", new FetchConfig.PerHost(4, 10, 8, null)));

        List<String> warnings = FleetCaps.warnings(config, List.of(get("https://api.example.com:8443/1"), get("https://api.example.com/1")), 3);

        assertEquals(1, warnings.size(), warnings::toString);
        assertMentions(warnings.getFirst(), "api.example.com:8443", "12", "API's 8", "at most 2");
    }

    @Test
    void staysQuietWithinTheApisLimits() {
        // Exactly at the limits is within them: 10 x 5 = 50, 10 x 5/s = 50/s.
        FetchConfig config = fetch(new FetchConfig.PerHost(5, 5, 50, 50.0), Map.of());

        assertEquals(List.of(), FleetCaps.warnings(config, ONE_HOST, 10));
    }

    @Test
    void staysQuietWhenTheJobStatesNoApiLimits() {
        FetchConfig config = fetch(new FetchConfig.PerHost(900, 100_000), Map.of());

        assertEquals(List.of(), FleetCaps.warnings(config, ONE_HOST, 1_000));
    }

    @Test
    void staysQuietWhenTheWorkerConcurrencyIsUnknown() {
        FetchConfig config = fetch(new FetchConfig.PerHost(8, 20, 1, 1.0), Map.of());

        assertEquals(List.of(), FleetCaps.warnings(config, ONE_HOST, 0));
    }
}
