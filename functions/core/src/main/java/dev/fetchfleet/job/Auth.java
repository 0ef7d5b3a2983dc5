package dev.fetchfleet.job;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.net.URI;
import java.util.Set;

/**
 * How a job (or, later, a child level) proves who it is to the API. Every value may be a
 * {@code {{ssm:…}}} or {@code {{secretsmanager:…}}} reference, resolved only in the worker; what travels in
 * chunk messages is this as written. {@code toString} never shows a value: a logged config must not leak one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Auth.Bearer.class, name = "bearer"),
        @JsonSubTypes.Type(value = Auth.Basic.class, name = "basic"),
        @JsonSubTypes.Type(value = Auth.ApiKey.class, name = "api_key"),
        @JsonSubTypes.Type(value = Auth.OAuth2.class, name = "oauth2")})
public sealed interface Auth {

    Set<String> TYPES = Set.of("bearer", "basic", "api_key", "oauth2");
    /** The fields whose values are credentials: redacted in the manifest, allowed to hold secret references. */
    Set<String> SECRET_FIELDS = Set.of("token", "username", "password", "value", "clientId", "clientSecret", "refreshToken");

    /** {@code Authorization: Bearer <token>}. */
    record Bearer(String token) implements Auth {
        @Override
        public String toString() {
            return "Bearer[token=***]";
        }
    }

    /** {@code Authorization: Basic base64(username:password)}. */
    record Basic(String username, String password) implements Auth {
        @Override
        public String toString() {
            return "Basic[***]";
        }
    }

    /** A key sent as query parameter or header {@code name}; {@code in} is "query" or "header". */
    record ApiKey(String name, String in, String value) implements Auth {
        @Override
        public String toString() {
            return "ApiKey[name=" + name + ", in=" + in + ", value=***]";
        }

        public boolean inQuery() {
            return "query".equals(in);
        }
    }

    /**
     * An OAuth2 access token from {@code tokenUrl}: grant "client_credentials" (clientId, clientSecret, scope)
     * or "refresh_token" (refreshToken, with the client's id and secret when the server wants them);
     * {@code clientAuth} "basic" sends the client's id and secret in an Authorization header, "body" in the form.
     */
    record OAuth2(String grant, URI tokenUrl, String clientId, String clientSecret, String scope, String clientAuth,
                  String refreshToken) implements Auth {

        public static final Set<String> GRANTS = Set.of("client_credentials", "refresh_token");
        public static final Set<String> CLIENT_AUTHS = Set.of("basic", "body");

        @Override
        public String toString() {
            return "OAuth2[grant=" + grant + ", tokenUrl=" + tokenUrl + ", scope=" + scope + ", clientAuth=" + clientAuth + ", secrets=***]";
        }
    }
}
