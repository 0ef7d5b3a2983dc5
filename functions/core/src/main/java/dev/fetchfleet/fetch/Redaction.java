package dev.fetchfleet.fetch;

import java.util.Locale;
import java.util.Set;

/** Header names whose values never reach logs, messages or bronze. */
public final class Redaction {

    public static final String REDACTED = "[redacted]";
    private static final Set<String> SENSITIVE = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key");

    private Redaction() {}

    public static boolean isSensitive(String headerName) {
        return SENSITIVE.contains(headerName.toLowerCase(Locale.ROOT));
    }

    /** Sensitive by default, or named by the job ({@code fetch.redactHeaders}, any case). */
    public static boolean isSensitive(String headerName, java.util.List<String> alsoSensitive) {
        return isSensitive(headerName) || alsoSensitive.stream().anyMatch(headerName::equalsIgnoreCase);
    }
}
