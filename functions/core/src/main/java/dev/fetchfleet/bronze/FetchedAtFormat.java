package dev.fetchfleet.bronze;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * How a bronze record's {@code fetched_at} is written: UTC with exactly three fractional digits
 * ({@code 2026-11-30T01:02:03.120Z}). {@link Instant#toString()} drops trailing zeros and whole
 * fractions, so one column mixed {@code …:03Z}, {@code …:03.12Z} and {@code …:03.123456Z}: DuckDB 2.0
 * copes, but Spark's default JSON timestamp pattern ({@code [.SSS]}) reads only none or three digits,
 * and a fixed pattern is what a Hive SerDe or a schema-on-read user can rely on. Reading accepts any
 * ISO-8601 precision, so parts written before this stay readable.
 */
public final class FetchedAtFormat extends StdSerializer<Instant> {

    private static final DateTimeFormatter MILLIS_UTC =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public FetchedAtFormat() {
        super(Instant.class);
    }

    /** The precision a record holds its time in, so what is written is what was held. */
    public static Instant held(Instant fetchedAt) {
        return fetchedAt == null ? null : fetchedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    public static String format(Instant fetchedAt) {
        return MILLIS_UTC.format(fetchedAt);
    }

    @Override
    public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
        generator.writeString(format(value));
    }
}
