package dev.fetchfleet.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one request's answer, or its lack of one, into its bronze record: the body decoded (or kept as
 * bytes where it was cut or does not inflate), sensitive headers redacted, and the error saying why.
 */
final class ResponseRecords {

    private final BodyDecoder decoder;
    private final Clock clock;

    ResponseRecords(BodyDecoder decoder, Clock clock) {
        this.decoder = decoder;
        this.clock = clock;
    }

    BronzeRecord answered(RunRef run, RequestSpec request, HttpResponse<LimitedBody> response, FetchConfig config,
                                  Instant fetchedAt, long durationMs, int attempts, String error) {
        HttpHeaders headers = response.headers();
        LimitedBody received = response.body();
        JsonNode body;
        String encoding;
        if (received.truncated()) {
            // Half a JSON document is not JSON, and half a gzip stream does not inflate: keep the bytes.
            BodyDecoder.Decoded raw = decoder.decode(received.bytes(), "application/octet-stream");
            body = raw.body();
            encoding = raw.encoding();
            error = "body truncated at " + config.maxResponseBytes() + " bytes (fetch.maxResponseBytes)"
                    + (error == null ? "" : "; " + error);
        } else {
            try {
                LimitedBody inflated = BodyDecoder.uncompress(received.bytes(),
                        headers.firstValue("Content-Encoding").orElse(null), config.maxResponseBytes());
                BodyDecoder.Decoded decoded = decoder.decode(inflated.bytes(),
                        inflated.truncated() ? "application/octet-stream" : headers.firstValue("Content-Type").orElse(null));
                body = decoded.body();
                encoding = decoded.encoding();
                if (inflated.truncated()) {
                    error = "body too large: it inflates past " + config.maxResponseBytes()
                            + " bytes (fetch.maxResponseBytes); truncated there" + (error == null ? "" : "; " + error);
                }
            } catch (IOException e) {
                BodyDecoder.Decoded raw = decoder.decode(received.bytes(), "application/octet-stream");
                body = raw.body();
                encoding = raw.encoding();
                error = "body could not be decompressed: " + e.getMessage();
            }
        }
        return new BronzeRecord(run.runId(), run.source(), request.id(), request.method(), request.url().toString(),
                response.statusCode(), responseHeaders(headers, config.redactHeaders()), body, encoding, fetchedAt,
                durationMs, attempts, error, 0);
    }

    BronzeRecord failed(RunRef run, RequestSpec request, Instant fetchedAt, long durationMs, int attempts, String error) {
        return new BronzeRecord(run.runId(), run.source(), request.id(), request.method(), request.url().toString(),
                null, Map.of(), null, null, fetchedAt, durationMs, attempts, error, 0);
    }

    private static Map<String, String> responseHeaders(HttpHeaders headers, List<String> alsoSensitive) {
        Map<String, String> kept = new TreeMap<>();
        headers.map().forEach((name, values) -> {
            if (name.startsWith(":")) {
                return;
            }
            String key = name.toLowerCase(Locale.ROOT);
            kept.put(key, Redaction.isSensitive(key, alsoSensitive) ? Redaction.REDACTED : String.join(", ", values));
        });
        return kept;
    }

    /** The record of a request that could not be sent or read for a reason no retry changes (a refused header, say). */
    BronzeRecord unsent(RunRef run, RequestSpec request, RuntimeException e) {
        return failed(run, request, clock.instant(), 0, 0, "request failed unexpectedly, not retried: " + describe(e));
    }

    /** An exception as a record's error says it: its kind and its message. */
    static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
