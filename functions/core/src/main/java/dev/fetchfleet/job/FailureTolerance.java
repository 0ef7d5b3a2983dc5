package dev.fetchfleet.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many failed requests a run may have and still move its source's incremental state
 * ({@code incremental.tolerateFailures}): a count, or a percentage of the run's requests. Exactly one
 * of {@code count} and {@code percent} is set; the default tolerates none.
 */
public record FailureTolerance(Long count, BigDecimal percent) {

    public static final FailureTolerance NONE = new FailureTolerance(0L, null);
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,6})?)\\s*%");

    public FailureTolerance {
        if ((count == null) == (percent == null)) {
            throw new IllegalArgumentException("a failure tolerance is a count or a percentage, not both or neither");
        }
    }

    /** Whether {@code failed} of {@code requests} is within this tolerance. */
    public boolean allows(long failed, long requests) {
        if (count != null) {
            return failed <= count;
        }
        return BigDecimal.valueOf(failed).multiply(BigDecimal.valueOf(100))
                .compareTo(percent.multiply(BigDecimal.valueOf(requests))) <= 0;
    }

    /** As a job writes it: {@code 3} or {@code 1%}. */
    @Override
    public String toString() {
        return count != null ? count.toString() : percent.toPlainString() + "%";
    }

    /** As a job writes it, as JSON: the count as a number, the percentage as a string ({@code "1%"}). */
    @JsonValue
    Object json() {
        return count != null ? count : toString();
    }

    /** Read back from a document this code wrote (the manifest), by the job's rules. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static FailureTolerance fromJson(JsonNode value) {
        List<Problem> problems = new ArrayList<>();
        FailureTolerance read = read(value, "tolerate_failures", problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0).toString());
        }
        return read;
    }

    /**
     * Reads {@code incremental.tolerateFailures}: absent or null is {@link #NONE}; a whole number of 0 or
     * more is a count; a string such as {@code "1%"} or {@code "0.5%"} (at most 100%) is a percentage.
     * Anything else is a problem at {@code path}, and gives {@link #NONE}.
     */
    public static FailureTolerance read(JsonNode value, String path, List<Problem> problems) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return NONE;
        }
        if (value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 0) {
            return new FailureTolerance(value.asLong(), null);
        }
        if (value.isTextual()) {
            Matcher m = PERCENT.matcher(value.asText().strip());
            if (m.matches() && new BigDecimal(m.group(1)).compareTo(BigDecimal.valueOf(100)) <= 0) {
                return new FailureTolerance(null, new BigDecimal(m.group(1)));
            }
        }
        problems.add(new Problem(path, Fields.shown(value),
                "must be a count of failed requests (a whole number, 0 or more) or a percentage of the run's requests "
                        + "from \"0%\" to \"100%\", such as \"1%\""));
        return NONE;
    }
}
