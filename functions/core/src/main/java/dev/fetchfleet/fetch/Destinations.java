package dev.fetchfleet.fetch;

import dev.fetchfleet.job.FetchConfig;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Which addresses a worker's requests may connect to. Link-local and instance-metadata addresses only
 * when the job sets {@code fetch.allowLinkLocal}; private ranges (RFC 1918, unique-local, carrier-grade
 * NAT) as the worker's {@link PrivateNetworks} says; loopback and "this host" only where the worker
 * allows private networks outright, since in Lambda 127.0.0.1:9001 is the Runtime API.
 *
 * <p>A host is checked by what it resolves to, every address of it, just before each attempt: validation
 * sees only a URL's spelling, and a name can resolve anywhere.
 */
public record Destinations(PrivateNetworks privateNetworks) {

    /** What a worker lets its jobs reach beyond the public internet. */
    public enum PrivateNetworks {
        /** Never, whatever a job says. */
        REFUSE,
        /** Private ranges when the job sets {@code fetch.allowPrivateNetworks}; loopback never. The deployed default. */
        JOB,
        /** Private ranges and loopback: the local runner's default, on the user's own machine. */
        ALLOW;

        /** The worker's setting from {@code FETCHFLEET_PRIVATE_NETWORKS}; {@code job} when unset. */
        public static PrivateNetworks fromEnvironment(String value) {
            if (value == null || value.isBlank()) {
                return JOB;
            }
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("FETCHFLEET_PRIVATE_NETWORKS is " + value + "; expected refuse, job or allow");
            }
        }
    }

    /** The local runner and tests: APIs on this machine and its network are the user's own. */
    public static final Destinations LOCAL = new Destinations(PrivateNetworks.ALLOW);
    /** A deployed worker: nothing private unless the job asks, never the worker's own loopback. */
    public static final Destinations DEPLOYED = new Destinations(PrivateNetworks.JOB);

    /** What an address is, as far as reaching it goes. */
    enum Kind { PUBLIC, PRIVATE, LOOPBACK, LINK_LOCAL_OR_METADATA }

    /** Alibaba's and Oracle's metadata services sit outside 169.254.0.0/16. */
    private static final byte[][] METADATA_IPV4 = {{100, 100, 100, (byte) 200}, {(byte) 192, 0, 0, (byte) 192}};
    private static final byte[] EC2_IPV6_METADATA = {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};

    /**
     * Null when the request's host may be reached at every address it resolves to; else why not, naming
     * the address and the setting that would allow it. Resolves through {@link InetAddress}, whose cache
     * the HTTP client's own lookup moments later reads too.
     *
     * @throws UnknownHostException when the host does not resolve (a connection error like any other)
     */
    public String refusal(URI url, FetchConfig config) throws UnknownHostException {
        String host = url.getHost();
        if (host == null) {
            return null; // no host, no connection: the client says why
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            // Refused by the resolver guard: a refusal, not a connection error worth retrying.
            String guarded = MetadataGuardResolverProvider.refusal(host).orElse(null);
            if (guarded != null) {
                return guarded;
            }
            throw e;
        }
        for (InetAddress address : addresses) {
            String why = refusal(address, config);
            if (why != null) {
                return "destination refused: " + host + " resolves to " + address.getHostAddress() + ", " + why;
            }
        }
        return null;
    }

    String refusal(InetAddress address, FetchConfig config) {
        return switch (kind(address)) {
            case PUBLIC -> null;
            case LINK_LOCAL_OR_METADATA -> config.allowLinkLocal() ? null
                    : "a link-local or instance-metadata address; set fetch.allowLinkLocal to true if you mean it";
            case PRIVATE -> switch (privateNetworks) {
                case ALLOW -> null;
                case JOB -> config.allowPrivateNetworks() ? null
                        : "a private address; set fetch.allowPrivateNetworks to true if you mean it";
                case REFUSE -> "a private address, which this worker never reaches (FETCHFLEET_PRIVATE_NETWORKS=refuse)";
            };
            case LOOPBACK -> privateNetworks == PrivateNetworks.ALLOW ? null
                    : "the worker's own loopback, which a deployed worker never reaches";
        };
    }

    static Kind kind(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            if (Arrays.equals(b, EC2_IPV6_METADATA) || (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
                return Kind.LINK_LOCAL_OR_METADATA; // fd00:ec2::254, fe80::/10
            }
            if (embedsIpv4(b)) {
                return kindOfIpv4(Arrays.copyOfRange(b, 12, 16));
            }
            if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
                return Kind.LOOPBACK;
            }
            if ((b[0] & 0xfe) == 0xfc || address.isSiteLocalAddress()) {
                return Kind.PRIVATE; // fc00::/7 unique-local, fec0::/10 old site-local
            }
            return Kind.PUBLIC;
        }
        return address instanceof Inet4Address ? kindOfIpv4(b) : Kind.PUBLIC;
    }

    private static Kind kindOfIpv4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 169 && second == 254 || Arrays.stream(METADATA_IPV4).anyMatch(m -> Arrays.equals(m, b))) {
            return Kind.LINK_LOCAL_OR_METADATA;
        }
        if (first == 127 || first == 0) {
            return Kind.LOOPBACK; // 0.0.0.0/8 reaches this host on Linux
        }
        if (first == 10 || first == 172 && (second & 0xf0) == 16 || first == 192 && second == 168
                || first == 100 && (second & 0xc0) == 64) {
            return Kind.PRIVATE; // RFC 1918, and 100.64.0.0/10 carrier-grade NAT
        }
        return Kind.PUBLIC;
    }

    /** ::a.b.c.d (IPv4-compatible) and ::ffff:a.b.c.d (mapped, when not already turned into IPv4 by Java). */
    private static boolean embedsIpv4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0);
        return mapped || compatible;
    }
}
