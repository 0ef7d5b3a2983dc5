package dev.fetchfleet.job;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and checks an {@code auth} object, wherever it sits (the job; a child level the same way). */
final class AuthReader {

    private static final Map<String, Set<String>> FIELDS = Map.of(
            "bearer", Set.of("type", "token"),
            "basic", Set.of("type", "username", "password"),
            "api_key", Set.of("type", "name", "in", "value"),
            "oauth2", Set.of("type", "grant", "tokenUrl", "clientId", "clientSecret", "scope", "clientAuth", "refreshToken"));

    private AuthReader() {}

    /** The auth at {@code auth} (null when absent), or null with problems naming each field and value. */
    static Auth read(Fields auth, List<Problem> problems, boolean allowLinkLocal) {
        if (auth == null) {
            return null;
        }
        int before = problems.size();
        String type = auth.string("type", null, true);
        if (type == null) {
            return null;
        }
        if (!Auth.TYPES.contains(type)) {
            auth.problem("type", auth.get("type"), "is no auth type; expected one of " + new java.util.TreeSet<>(Auth.TYPES));
            return null;
        }
        // Not Fields.rejectUnknown: it shows the value, and a misspelt clientSecret is still a secret.
        for (var names = auth.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.get(type).contains(name)) {
                problems.add(new Problem(auth.path(name), null, "unknown field for auth type " + type + "; expected one of "
                        + new java.util.TreeSet<>(FIELDS.get(type))));
            }
        }
        Auth read = switch (type) {
            case "bearer" -> new Auth.Bearer(secret(auth, "token", true));
            case "basic" -> new Auth.Basic(secret(auth, "username", true), secret(auth, "password", true));
            case "api_key" -> {
                String in = auth.string("in", "header", false);
                if (!in.equals("query") && !in.equals("header")) {
                    auth.problem("in", auth.get("in"), "must be \"query\" or \"header\"");
                }
                String name = auth.string("name", null, true);
                if (name != null && (name.isBlank() || RequestReader.CONTROL.matcher(name).find())) {
                    auth.problem("name", auth.get("name"), "must be a query parameter or header name");
                }
                yield new Auth.ApiKey(name, in, secret(auth, "value", true));
            }
            default -> oauth2(auth, problems, allowLinkLocal);
        };
        return problems.size() > before ? null : read;
    }

    private static Auth.OAuth2 oauth2(Fields auth, List<Problem> problems, boolean allowLinkLocal) {
        String grant = auth.string("grant", "client_credentials", false);
        if (!Auth.OAuth2.GRANTS.contains(grant)) {
            auth.problem("grant", auth.get("grant"), "must be one of " + new java.util.TreeSet<>(Auth.OAuth2.GRANTS));
        }
        String tokenText = auth.string("tokenUrl", null, true);
        // The token URL passes the request URLs' own checks: a token request is a request the worker sends.
        URI tokenUrl = tokenText == null ? null : RequestReader.url(tokenText, auth.path("tokenUrl"), problems, allowLinkLocal);
        String clientAuth = auth.string("clientAuth", "basic", false);
        if (!Auth.OAuth2.CLIENT_AUTHS.contains(clientAuth)) {
            auth.problem("clientAuth", auth.get("clientAuth"), "must be \"basic\" or \"body\"");
        }
        boolean refresh = "refresh_token".equals(grant);
        String clientId = secret(auth, "clientId", !refresh);
        String clientSecret = secret(auth, "clientSecret", !refresh);
        String refreshToken = secret(auth, "refreshToken", refresh);
        if (!refresh && auth.has("refreshToken")) {
            auth.problem("refreshToken", null, "belongs to grant \"refresh_token\" only");
        }
        String scope = auth.string("scope", null, false);
        return new Auth.OAuth2(grant, tokenUrl, clientId, clientSecret, scope, clientAuth, refreshToken);
    }

    /** A credential: never shown in a problem, only its place. */
    private static String secret(Fields auth, String field, boolean required) {
        var value = auth.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                auth.problems().add(new Problem(auth.path(field), null, "is required"));
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            auth.problems().add(new Problem(auth.path(field), null, "must be a non-empty string (a value or a secret reference)"));
            return null;
        }
        if (RequestReader.CONTROL.matcher(value.asText()).find()) {
            auth.problems().add(new Problem(auth.path(field), null, "holds a carriage return, line feed or NUL"));
            return null;
        }
        return value.asText();
    }
}
