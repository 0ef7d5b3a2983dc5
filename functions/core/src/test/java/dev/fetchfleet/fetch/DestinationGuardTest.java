package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host names that resolve to a metadata, private or loopback address are refused where the connection
 * is made, not only by the URL's spelling. Every case runs in {@link DestinationProbe}, in an empty
 * network namespace (nothing can leave it) with stand-in listeners on 169.254.169.254, 10.1.2.3 and
 * 127.0.0.1 and its own /etc/hosts; each listener counts who reached it.
 */
class DestinationGuardTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String HOSTS = "127.0.0.1 localhost\n169.254.169.254 metadata-rebound.test\n10.1.2.3 intranet.test\n";

    @TempDir
    Path dir;

    /** With the resolver guard installed (it is, through META-INF/services): the name itself no longer resolves. */
    @Test
    void refusesANameThatResolvesToTheMetadataAddressAndNeverReachesIt() throws Exception {
        Map<String, JsonNode> cases = probe(false, "with-raw-client");

        assertTrue(cases.get("resolver").get("guardActive").asBoolean(), "the resolver guard was loaded");
        assertRefused(cases.get("metadata-by-name-deployed"), "169.254.169.254");
        assertRefused(cases.get("metadata-by-name-local"), "169.254.169.254");
        assertTrue(cases.get("raw-client-metadata-by-name").has("error"),
                "the HTTP client's own lookup is refused too: " + cases.get("raw-client-metadata-by-name"));
        assertPrivateNetworkRules(cases);
        assertEquals(1, cases.get("hits").get("metadata").asInt(), "only the control reached the stand-in metadata service");
    }

    /**
     * Without the resolver guard (a JVM that does not load it; here the JDK's hosts-file resolver replaces
     * every provider): the check before each attempt refuses on its own.
     */
    @Test
    void theCheckBeforeEachAttemptRefusesOnItsOwnWhereTheResolverGuardIsNotLoaded() throws Exception {
        Map<String, JsonNode> cases = probe(true, "");

        assertFalse(cases.get("resolver").get("guardActive").asBoolean());
        assertRefused(cases.get("metadata-by-name-deployed"), "169.254.169.254");
        assertTrue(cases.get("metadata-by-name-deployed").get("error").asText().contains("fetch.allowLinkLocal"));
        assertRefused(cases.get("metadata-by-name-local"), "169.254.169.254");
        assertPrivateNetworkRules(cases);
        assertEquals(1, cases.get("hits").get("metadata").asInt(), "only the control reached the stand-in metadata service");
    }

    private static void assertPrivateNetworkRules(Map<String, JsonNode> cases) {
        assertRefused(cases.get("metadata-by-address"), "169.254.169.254");
        assertRefused(cases.get("intranet-deployed"), "10.1.2.3");
        assertTrue(cases.get("intranet-deployed").get("error").asText().contains("fetch.allowPrivateNetworks"));
        assertEquals(200, cases.get("intranet-deployed-job-allows").get("status").asInt(), cases.get("intranet-deployed-job-allows").toString());
        assertRefused(cases.get("intranet-refusing-job-allows"), "10.1.2.3");
        assertRefused(cases.get("loopback-deployed-job-allows"), "127.0.0.1");
        assertEquals(200, cases.get("loopback-local").get("status").asInt(), cases.get("loopback-local").toString());
        JsonNode control = cases.get("metadata-by-address-job-allows");
        assertEquals(200, control.get("status").asInt(), "the stand-in answers when a job allows it: " + control);
        assertEquals(1, cases.get("hits").get("intranet").asInt());
        assertEquals(1, cases.get("hits").get("loopback").asInt());
    }

    private static void assertRefused(JsonNode line, String address) {
        assertTrue(line.get("status").isNull(), "no answer: " + line);
        String error = line.get("error").asText();
        assertTrue(error.startsWith("destination refused") && error.contains(address), error);
        assertTrue(line.get("body").isNull(), line.toString());
    }

    /** Runs the probe in a fresh network and mount namespace; skipped where this machine cannot make one. */
    private Map<String, JsonNode> probe(boolean jdkHostsFile, String mode) throws Exception {
        assumeTrue(canUnshare(), "needs `unshare -n -m` (root or user namespaces) to run without any network");
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, HOSTS);
        String java = ProcessHandle.current().info().command().orElse("java");
        String command = "ip link set lo up && ip addr add 169.254.169.254/32 dev lo && ip addr add 10.1.2.3/32 dev lo"
                + " && mount --bind " + hosts + " /etc/hosts && exec " + java
                + (jdkHostsFile ? " -Djdk.net.hosts.file=" + hosts : "")
                + " -cp '" + System.getProperty("java.class.path") + "' " + DestinationProbe.class.getName() + " " + mode;
        Process process = new ProcessBuilder("unshare", "-n", "-m", "sh", "-c", command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), output);
        assertEquals(0, process.exitValue(), output);
        Map<String, JsonNode> cases = new HashMap<>();
        for (String line : output.lines().filter(l -> l.startsWith("{\"case\"")).toList()) {
            JsonNode node = MAPPER.readTree(line);
            cases.put(node.get("case").asText(), node);
        }
        assertTrue(cases.containsKey("hits"), output);
        return cases;
    }

    private static boolean canUnshare() {
        try {
            Process p = new ProcessBuilder("unshare", "-n", "-m", "true").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
