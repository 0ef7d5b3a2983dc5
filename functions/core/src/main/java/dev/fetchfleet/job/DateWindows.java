package dev.fetchfleet.job;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAmount;
import java.util.AbstractList;
import java.util.Set;

/**
 * A template's date windows: the half-open intervals [start, end) from {@code from} to {@code to} by
 * {@code step} (an ISO-8601 period or duration), the last one cut at {@code to}. As a placeholder's value
 * list each value is the interval "start/end", worked out when asked for, so a long backfill costs no
 * memory; {@code {name.start}} and {@code {name.end}} are its halves, ISO-8601 instants unless
 * {@code format} (a {@link DateTimeFormatter} pattern, in UTC) says otherwise.
 */
final class DateWindows extends AbstractList<String> {

    static final Set<String> FIELDS = Set.of("from", "to", "step", "format");

    private final ZonedDateTime from;
    private final Instant to;
    private final TemporalAmount step;
    private final DateTimeFormatter format;
    private final int size;

    private DateWindows(ZonedDateTime from, Instant to, TemporalAmount step, DateTimeFormatter format, long limit) {
        this.from = from;
        this.to = to;
        this.step = step;
        this.format = format;
        long n = 0;
        if (step instanceof Duration d) {
            long span = Duration.between(from.toInstant(), to).toMillis();
            n = span <= 0 ? 0 : (span + d.toMillis() - 1) / d.toMillis();
        } else {
            while (n <= limit && startOf(n).toInstant().isBefore(to)) {
                n++;
            }
        }
        this.size = (int) Math.min(n, limit + 1);
    }

    /** Whether a template value is written as a window rather than a list or a number range. */
    static boolean isWindow(com.fasterxml.jackson.databind.JsonNode value) {
        return value.isObject() && value.path("from").isTextual();
    }

    /**
     * The windows a value object describes, or null with its problems added. {@code now} is what "to": "now" means;
     * {@code limit} the most windows worth listing (one more is returned when there are more, for the caller to refuse).
     */
    static DateWindows read(Fields window, Instant now, long limit) {
        int before = window.problems().size();
        window.rejectUnknown(FIELDS);
        String fromText = window.string("from", null, true);
        String toText = window.string("to", null, true);
        String stepText = window.string("step", "P1D", false);
        String formatText = window.string("format", null, false);
        Instant from = fromText == null ? null : instant(fromText, window, "from", null);
        Instant to = toText == null ? null : instant(toText, window, "to", now);
        TemporalAmount step = step(stepText, window);
        DateTimeFormatter format = DateTimeFormatter.ISO_INSTANT;
        if (formatText != null) {
            try {
                format = DateTimeFormatter.ofPattern(formatText).withZone(ZoneOffset.UTC);
                format.format(Instant.EPOCH);
            } catch (IllegalArgumentException | DateTimeException e) {
                window.problem("format", window.get("format"), "is not a date-time pattern (" + e.getMessage() + "), e.g. yyyy-MM-dd");
            }
        }
        if (from != null && to != null && !to.isAfter(from)) {
            window.problem("to", window.get("to"), "is not after from (" + fromText + "): the windows would be empty");
        }
        if (window.problems().size() > before) {
            return null;
        }
        return new DateWindows(from.atZone(ZoneOffset.UTC), to, step, format, limit);
    }

    /** A date (midnight UTC), an instant, or a date-time with an offset; "now" for {@code to}. */
    private static Instant instant(String text, Fields window, String field, Instant now) {
        if (now != null && text.equals("now")) {
            return now;
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            window.problem(field, window.get(field), "must be an ISO-8601 date (2026-01-01) or date-time (2026-01-01T00:00:00Z)"
                    + (now != null ? ", or \"now\"" : ""));
            return null;
        }
    }

    /** An ISO-8601 period (P1D, P1W, P1M) or duration (PT6H); positive. */
    private static TemporalAmount step(String text, Fields window) {
        try {
            if (!text.contains("T")) {
                Period period = Period.parse(text);
                if (!period.isNegative() && !period.isZero()) {
                    return period;
                }
            } else {
                Duration duration = Duration.parse(text);
                if (duration.toMillis() > 0) {
                    return duration;
                }
            }
        } catch (DateTimeException e) {
            // said below
        }
        window.problem("step", window.get("step"), "must be a positive ISO-8601 period or duration: P1D, P1W, P1M, PT6H");
        return Period.ofDays(1);
    }

    private ZonedDateTime startOf(long index) {
        if (step instanceof Duration d) {
            return from.plus(d.multipliedBy(index));
        }
        return from.plus(((Period) step).multipliedBy(Math.toIntExact(index)));
    }

    @Override
    public String get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        Instant start = startOf(index).toInstant();
        Instant end = startOf(index + 1L).toInstant();
        return format.format(start) + "/" + format.format(end.isAfter(to) ? to : end);
    }

    @Override
    public int size() {
        return size;
    }

    /** {@code {name.start}} or {@code {name.end}} of a window value: the halves either side of its middle '/'. */
    static String half(String interval, boolean start) {
        int slashes = (int) interval.chars().filter(c -> c == '/').count();
        int cut = -1;
        for (int i = 0; i <= slashes / 2; i++) {
            cut = interval.indexOf('/', cut + 1);
        }
        if (cut < 0) {
            return interval;
        }
        return start ? interval.substring(0, cut) : interval.substring(cut + 1);
    }
}
