package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Which caps apply to a host: its host:port override, else its host override, else the job's perHost. */
@Tag("unit")
class FetchConfigTest {

    private static final FetchConfig.PerHost PER_HOST = new FetchConfig.PerHost(8, 20);
    private static final FetchConfig.PerHost BY_HOST = new FetchConfig.PerHost(4, 10);
    private static final FetchConfig.PerHost BY_HOST_AND_PORT = new FetchConfig.PerHost(2, 5);

    private static FetchConfig withHosts(Map<String, FetchConfig.PerHost> hosts) {
        return new FetchConfig(256, PER_HOST, hosts, 30, FetchConfig.Retry.DEFAULT, 0, List.of(), false);
    }

    @Test
    void picksTheHostAndPortOverrideOverTheHostOverride() {
        FetchConfig config = withHosts(Map.of("api.example.com", BY_HOST, "api.example.com:8443", BY_HOST_AND_PORT));

        assertEquals(BY_HOST_AND_PORT, config.capsFor("api.example.com", 8443));
        assertEquals(BY_HOST_AND_PORT, config.capsFor("API.EXAMPLE.COM", 8443), "host names match in any case");
    }

    @Test
    void fallsBackToTheHostOverrideForAnotherPortOrNone() {
        FetchConfig config = withHosts(Map.of("api.example.com", BY_HOST, "api.example.com:8443", BY_HOST_AND_PORT));

        assertEquals(BY_HOST, config.capsFor("api.example.com", 9000));
        assertEquals(BY_HOST, config.capsFor("api.example.com", -1));
    }

    @Test
    void aUrlWithoutAPortTakesTheOverrideWrittenWithItsDefaultPort() {
        FetchConfig config = withHosts(Map.of("api.example.com:443", BY_HOST_AND_PORT));

        assertEquals(BY_HOST_AND_PORT, config.capsFor("api.example.com", -1));
        assertEquals(PER_HOST, config.capsFor("api.example.com", 8443));
    }

    @Test
    void fallsBackToPerHostForAHostWithNoOverride() {
        FetchConfig config = withHosts(Map.of("api.example.com", BY_HOST, "other.example.com:8443", BY_HOST_AND_PORT));

        assertEquals(PER_HOST, config.capsFor("www.example.com", -1));
        assertEquals(PER_HOST, config.capsFor("other.example.com", 443), "a host:port override is for that port only");
        assertEquals(PER_HOST, withHosts(Map.of()).capsFor("api.example.com", 443));
    }

    @Test
    void matchesABracketedIpv6HostAsTheUrlGivesIt() {
        FetchConfig config = withHosts(Map.of("[::1]:8080", BY_HOST_AND_PORT));

        assertEquals(BY_HOST_AND_PORT, config.capsFor(java.net.URI.create("http://[::1]:8080/").getHost(), 8080));
    }

    @Test
    void defaultsItsNewFieldsWhenBuiltWithTheShortConstructor() {
        FetchConfig config = new FetchConfig(256, PER_HOST, 30, FetchConfig.Retry.DEFAULT);

        assertEquals(Map.of(), config.hosts());
        assertEquals(FetchConfig.DEFAULT_MAX_RESPONSE_BYTES, config.maxResponseBytes());
        assertEquals(List.of(), config.redactHeaders());
        assertEquals(false, config.allowLinkLocal());
        assertEquals(FetchConfig.DEFAULT_MAX_RESPONSE_BYTES, withHosts(Map.of()).maxResponseBytes(), "0 means the default");
    }

    @Test
    void aLanesShareChangesTheCapsAndKeepsEveryOtherField() {
        FetchConfig config = new FetchConfig(100, new FetchConfig.PerHost(30, 90), Map.of("slow.example.com", new FetchConfig.PerHost(6, 12)),
                45, new FetchConfig.Retry(3, 100, 2_000, false), 4_096, List.of("X-Secret"), true, true);

        FetchConfig share = config.sharedBy(3);

        assertEquals(new FetchConfig.PerHost(10, 30), share.perHost());
        assertEquals(Map.of("slow.example.com", new FetchConfig.PerHost(2, 4)), share.hosts());
        assertEquals(new FetchConfig(config.maxInFlight(), share.perHost(), share.hosts(), config.timeoutSeconds(), config.retry(),
                config.maxResponseBytes(), config.redactHeaders(), config.allowLinkLocal(), config.allowPrivateNetworks()), share);
        // Every component but the caps is the same, whatever components the record grows later.
        for (var component : FetchConfig.class.getRecordComponents()) {
            if (!component.getName().equals("perHost") && !component.getName().equals("hosts")) {
                try {
                    assertEquals(component.getAccessor().invoke(config), component.getAccessor().invoke(share), component.getName());
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }
}
