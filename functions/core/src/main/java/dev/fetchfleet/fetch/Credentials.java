package dev.fetchfleet.fetch;

import dev.fetchfleet.job.Auth;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A chunk's auth block with its secrets resolved, put on each request just before it is sent: the
 * request a chain carries, checkpoints and records never holds a credential, only the copy on the wire.
 */
final class Credentials {

    /** A request as sent, and the OAuth2 access token it carries (null for other kinds), to drop on a 401. */
    record Signed(RequestSpec wire, String accessToken) {
        @Override
        public String toString() {
            return "Signed[" + wire.id() + "]";
        }
    }

    static final Credentials NONE = new Credentials(null, null);

    private final Auth auth;
    private final OAuth2Tokens tokens;

    private Credentials(Auth auth, OAuth2Tokens tokens) {
        this.auth = auth;
        this.tokens = tokens;
    }

    /**
     * @param written the auth block as the job wrote it (null: none)
     * @param tokens  this worker's token cache for it (used for oauth2 only)
     */
    static Credentials resolve(Auth written, SecretReferences.Store store, Map<String, String> cache, OAuth2Tokens tokens) {
        if (written == null) {
            return NONE;
        }
        Auth resolved = switch (written) {
            case Auth.Bearer b -> new Auth.Bearer(value(b.token(), store, cache));
            case Auth.Basic b -> new Auth.Basic(value(b.username(), store, cache), value(b.password(), store, cache));
            case Auth.ApiKey k -> new Auth.ApiKey(k.name(), k.in(), value(k.value(), store, cache));
            case Auth.OAuth2 o -> new Auth.OAuth2(o.grant(), o.tokenUrl(), value(o.clientId(), store, cache),
                    value(o.clientSecret(), store, cache), o.scope(), o.clientAuth(), value(o.refreshToken(), store, cache));
        };
        return new Credentials(resolved, tokens);
    }

    private static String value(String text, SecretReferences.Store store, Map<String, String> cache) {
        return SecretReferences.resolve(text, store, cache);
    }

    boolean renewsOn401() {
        return auth instanceof Auth.OAuth2;
    }

    /** {@code request} as it goes out, with its credential. */
    Signed sign(RequestSpec request, FetchConfig config) throws IOException, InterruptedException {
        return switch (auth) {
            case null -> new Signed(request, null);
            case Auth.Bearer b -> new Signed(withHeader(request, "Authorization", "Bearer " + b.token()), null);
            case Auth.Basic b -> new Signed(withHeader(request, "Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((b.username() + ":" + b.password()).getBytes(StandardCharsets.UTF_8))), null);
            case Auth.ApiKey k -> new Signed(k.inQuery() ? request.withUrl(Pagination.withParam(request.url(), k.name(), k.value()))
                    : withHeader(request, k.name(), k.value()), null);
            case Auth.OAuth2 o -> {
                OAuth2Tokens.Token token = tokens.current(o, config);
                yield new Signed(withHeader(request, "Authorization", "Bearer " + token.accessToken()), token.accessToken());
            }
        };
    }

    /** The API refused {@code signed}'s token: the next request asks for a new one. */
    void rejected(Signed signed) {
        if (tokens != null && signed.accessToken() != null) {
            tokens.rejected(signed.accessToken());
        }
    }

    /** The URL as its record shows it: a key sent in the query string appears redacted. */
    URI recorded(URI url) {
        return auth instanceof Auth.ApiKey k && k.inQuery() ? Pagination.withParam(url, k.name(), Redaction.REDACTED) : url;
    }

    /** A recorded URL as its chain knew it (a checkpoint's page, for the cycle check): the redacted key taken out. */
    URI chained(URI recordedUrl) {
        return auth instanceof Auth.ApiKey k && k.inQuery() ? Pagination.withoutParam(recordedUrl, k.name()) : recordedUrl;
    }

    private static RequestSpec withHeader(RequestSpec request, String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach((n, v) -> {
            if (!n.equalsIgnoreCase(name)) {
                headers.put(n, v); // the auth block wins over a header of the same name
            }
        });
        headers.put(name, value);
        return request.withHeaders(headers);
    }
}
