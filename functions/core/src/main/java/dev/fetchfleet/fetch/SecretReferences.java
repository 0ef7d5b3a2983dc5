package dev.fetchfleet.fetch;

import dev.fetchfleet.job.RequestSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Header values may name secrets instead of holding them: {@code {{secretsmanager:NAME}}} or
 * {@code {{ssm:NAME}}}. Jobs, SQS messages and manifests carry only the reference; the worker resolves it
 * just before sending, and the value lives nowhere but in the outgoing request.
 */
public final class SecretReferences {

    /** Where referenced values come from (Powertools parameters in the worker). */
    @FunctionalInterface
    public interface Store {
        String value(String kind, String name);
    }

    /** For places with no secret store: a reference is an error there, never sent as written. */
    public static final Store NONE = (kind, name) -> {
        throw new IllegalStateException("no secret store to resolve {{" + kind + ":" + name + "}}");
    };

    static final Pattern REFERENCE = Pattern.compile("\\{\\{(secretsmanager|ssm):([^}]+)}}");

    private SecretReferences() {}

    public static boolean mentions(String text) {
        return text != null && REFERENCE.matcher(text).find();
    }

    /** The request with every reference in its headers replaced by its value. */
    static RequestSpec resolve(RequestSpec request, Store store, Map<String, String> cache) {
        if (request.headers().values().stream().noneMatch(SecretReferences::mentions)) {
            return request;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach((name, value) -> headers.put(name, resolve(value, store, cache)));
        return request.withHeaders(headers);
    }

    /** {@code text} with every reference replaced by its value (null stays null). */
    static String resolve(String text, Store store, Map<String, String> cache) {
        if (text == null) {
            return null;
        }
        Matcher matcher = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String kind = matcher.group(1);
            String name = matcher.group(2).strip();
            String value = cache.computeIfAbsent(kind + ":" + name, k -> {
                String v;
                try {
                    v = store.value(kind, name);
                } catch (RuntimeException e) {
                    // Which reference failed, beside why: a chunk parked in the DLQ says what to fix.
                    throw new IllegalStateException("secret {{" + kind + ":" + name + "}} could not be read: " + e.getMessage(), e);
                }
                if (v == null) {
                    throw new IllegalStateException("secret {{" + kind + ":" + name + "}} has no value");
                }
                return v;
            });
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
