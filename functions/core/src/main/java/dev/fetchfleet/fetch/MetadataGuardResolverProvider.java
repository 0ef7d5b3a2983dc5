package dev.fetchfleet.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The JVM's name resolver, wrapped so that no host name resolves to a link-local or instance-metadata
 * address: the lookup the HTTP client makes when it connects is refused, however the name's answer
 * changed since {@link Destinations} checked it (DNS rebinding). Installed through
 * {@code META-INF/services}, which {@link InetAddress} reads with the thread's context class loader at
 * its first lookup; {@link #active()} tells whether that happened.
 *
 * <p>It acts for the whole JVM, so it cannot know which job a lookup is for: a job that sets
 * {@code fetch.allowLinkLocal} reaches such an address by writing the address itself, not a name. IP
 * literals are never looked up, so the AWS SDK's own metadata and container-credential endpoints,
 * written as addresses, are untouched.
 */
public final class MetadataGuardResolverProvider extends InetAddressResolverProvider {

    private static volatile boolean active;
    /** Names refused lately, for the fetcher's record: the JVM caches a failed lookup without its message. */
    private static final Map<String, String> REFUSED = new ConcurrentHashMap<>();
    private static final int REMEMBERED = 10_000;

    /** Whether this JVM resolves names through this guard. */
    public static boolean active() {
        return active;
    }

    static Optional<String> refusal(String host) {
        return Optional.ofNullable(REFUSED.get(host));
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        active = true;
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                List<InetAddress> addresses = builtin.lookupByName(host, policy).toList();
                for (InetAddress address : addresses) {
                    if (Destinations.kind(address) == Destinations.Kind.LINK_LOCAL_OR_METADATA) {
                        String why = "destination refused: " + host + " resolves to " + address.getHostAddress()
                                + ", a link-local or instance-metadata address; a name never may (fetch.allowLinkLocal"
                                + " opens such an address only when the URL names the address itself)";
                        if (REFUSED.size() < REMEMBERED) {
                            REFUSED.put(host, why);
                        }
                        throw new UnknownHostException(why);
                    }
                }
                REFUSED.remove(host);
                return addresses.stream();
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "FetchFleet metadata guard";
    }
}
