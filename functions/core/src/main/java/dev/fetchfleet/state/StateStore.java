package dev.fetchfleet.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.WireFormat;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.job.DotPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a source's state and advances it with a compare-and-set on the state object's version (an S3
 * ETag), retried on conflict, so two runs of one source finishing together cannot lose an update:
 * the state only ever moves to the larger value. The state object carries {@link WireFormat#STATE}'s
 * version; one newer than this code knows is refused rather than moved.
 */
public final class StateStore {

    public static final String LAST_SUCCESS_STARTED_AT = "last_success_started_at";
    private static final int MAX_TRIES = 10;

    private final BronzeStore store;
    private final ObjectMapper mapper;

    public StateStore(BronzeStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
    }

    public Optional<SourceState> read(String source) {
        return store.get(SourceState.key(source)).map(bytes -> parse(source, bytes));
    }

    /** The largest {@code valuePath} among the items at {@code itemsPath} of every record's JSON body. */
    public static Optional<String> largest(List<BronzeRecord> records, String itemsPath, String valuePath) {
        String best = null;
        for (BronzeRecord record : records) {
            if (!"json".equals(record.bodyEncoding())) {
                continue;
            }
            JsonNode items = DotPath.at(record.body(), itemsPath);
            if (items == null || !items.isArray()) {
                continue;
            }
            for (JsonNode item : items) {
                JsonNode value = DotPath.at(item, valuePath);
                if (value != null && value.isValueNode() && !value.isNull()) {
                    best = larger(best, value.asText());
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The larger of two state values: as numbers when both are numbers, as instants when both are
     * ISO-8601 times with an offset or Z (any offset, any fraction of a second:
     * {@code 2026-01-01T00:00:00.5Z} is after {@code 2026-01-01T00:00:00Z} and after
     * {@code 2026-01-01T01:00:00+01:00}), as local date-times when both
     * have no offset, else as text. Of two equal values the first is kept.
     */
    public static String larger(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        Optional<BigDecimal> numberA = number(a);
        Optional<BigDecimal> numberB = number(b);
        if (numberA.isPresent() && numberB.isPresent()) {
            return numberA.get().compareTo(numberB.get()) >= 0 ? a : b;
        }
        Optional<Instant> instantA = instant(a);
        Optional<Instant> instantB = instant(b);
        if (instantA.isPresent() && instantB.isPresent()) {
            return instantA.get().compareTo(instantB.get()) >= 0 ? a : b;
        }
        Optional<LocalDateTime> localA = localTime(a);
        Optional<LocalDateTime> localB = localTime(b);
        if (localA.isPresent() && localB.isPresent()) {
            return localA.get().compareTo(localB.get()) >= 0 ? a : b;
        }
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Optional<BigDecimal> number(String text) {
        try {
            return Optional.of(new BigDecimal(text.strip()));
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }

    /** An ISO-8601 date-time with an offset ({@code Z}, {@code +01:00}, {@code +0100}) as an instant. */
    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text.strip(), ISO_OFFSET).toInstant());
        } catch (DateTimeParseException notATime) {
            return Optional.empty();
        }
    }

    /** A date-time without an offset: two such values compare by time, whatever their precision. */
    private static Optional<LocalDateTime> localTime(String text) {
        try {
            return Optional.of(LocalDateTime.parse(text.strip(), DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        } catch (DateTimeParseException notATime) {
            return Optional.empty();
        }
    }

    private static final DateTimeFormatter ISO_OFFSET = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    /** Moves {@code name} to {@code observed} if larger, and records the run as the last success. */
    public SourceState advance(String source, String name, String observed, String startedAt, String runId) {
        for (int attempt = 1; attempt <= MAX_TRIES; attempt++) {
            Optional<BronzeStore.Versioned> current = store.getVersioned(SourceState.key(source));
            SourceState before = current.map(v -> parse(source, v.bytes())).orElse(new SourceState(source, Map.of(), null, null));
            Map<String, String> values = new HashMap<>(before.values());
            if (name != null && observed != null) {
                values.put(name, larger(values.get(name), observed));
            }
            String lastStarted = larger(before.lastSuccessStartedAt(), startedAt);
            SourceState after = new SourceState(source, values, lastStarted,
                    startedAt.equals(lastStarted) ? runId : before.lastSuccessRunId());
            try {
                if (store.putIfVersion(SourceState.key(source), mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(WireFormat.STATE.stamp(mapper.valueToTree(after))),
                        current.map(BronzeStore.Versioned::version).orElse(null))) {
                    return after;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("state of source " + source + " kept changing under " + MAX_TRIES + " tries");
    }

    private SourceState parse(String source, byte[] bytes) {
        try {
            return mapper.treeToValue(WireFormat.STATE.check(mapper.readTree(bytes)), SourceState.class);
        } catch (WireFormat.Refused refused) {
            throw refused.at(store.locate(SourceState.key(source)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state object", e);
        }
    }
}
