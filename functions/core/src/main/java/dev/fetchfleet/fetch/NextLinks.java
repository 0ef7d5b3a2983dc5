package dev.fetchfleet.fetch;

import dev.fetchfleet.job.LinkLocal;
import dev.fetchfleet.job.Paginate;
import dev.fetchfleet.job.RequestSpec;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/** Which next links a chain may follow: the rules a page's link must pass before its next page is asked for. */
final class NextLinks {

    private NextLinks() {}

    /**
     * Why a chain must not follow {@code next} after page {@code page}, or null when it may. A link-local or
     * metadata next link is refused whatever allowHosts says (a job's allowHosts predating validation, a
     * message from an older dispatcher): only {@code fetch.allowLinkLocal} opens those.
     */
    static String refusal(Paginate paginate, RequestSpec request, URI next, int page, Set<URI> seen, boolean allowLinkLocal) {
        String nextHost = next.getHost() == null ? "" : next.getHost().toLowerCase(Locale.ROOT);
        // A link's user info is a credential the API handed out: it goes neither out again nor into bronze.
        String shown = next.getRawUserInfo() == null ? next.toString() : next.toString().replace(next.getRawUserInfo() + "@", "***@");
        if (next.getRawUserInfo() != null) {
            return "next link with a user name or password refused: " + shown;
        } else if (page + 1 >= paginate.maxPages()) {
            return "maxPages (" + paginate.maxPages() + ") reached; next page not fetched: " + shown;
        } else if (!allowLinkLocal && LinkLocal.isLinkLocalOrMetadata(nextHost)) {
            return "next link to a link-local or instance-metadata address refused (only fetch.allowLinkLocal allows it): " + shown;
        } else if (!nextHost.equalsIgnoreCase(request.url().getHost()) && !paginate.allowHosts().contains(nextHost)) {
            return "next link to another host refused (add it to paginate.allowHosts to follow it): " + shown;
        } else if (!"http".equalsIgnoreCase(next.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
            return "next link is not http(s), refused: " + shown;
        } else if ("https".equalsIgnoreCase(request.url().getScheme()) && "http".equalsIgnoreCase(next.getScheme())
                && !paginate.allowHosts().contains(nextHost)) {
            // Every page carries the job's credentials: an answer alone must not steer them onto plain http.
            return "next link from https to plain http refused (add the host to paginate.allowHosts to follow it): " + shown;
        } else if (nextHost.equalsIgnoreCase(request.url().getHost()) && port(next) != port(request.url())
                && next.getScheme().equalsIgnoreCase(request.url().getScheme()) && !paginate.allowHosts().contains(nextHost)) {
            // Another port is another server (another origin): without this it got the job's credentials
            // on the strength of the host name alone. An upgrade from http to https (80 to 443) is not that.
            return "next link to another port of the host refused (add the host to paginate.allowHosts to follow it): " + shown;
        } else if (seen.contains(next)) {
            return "pagination cycle: the next link " + shown + " was already fetched in this chain";
        }
        return null;
    }

    /** The port a URL reaches, its scheme's default when it names none. */
    private static int port(URI url) {
        return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }
}
