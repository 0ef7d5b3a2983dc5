package dev.fetchfleet.fetch;

import dev.fetchfleet.job.FetchConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which answers are worth another try, and how long to wait: the server's Retry-After when it gives
 * one, else exponential backoff with full jitter, capped.
 */
final class RetryPolicy {

    private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);

    private final FetchConfig.Retry config;
    private final Clock clock;

    RetryPolicy(FetchConfig.Retry config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    int maxAttempts() {
        return config.maxAttempts();
    }

    /** 429, 502, 503 and 504 always; 500 unless the job says a 500 is this API's final answer. */
    boolean retryable(int status) {
        return RETRYABLE.contains(status) || (status == 500 && config.retryOn500());
    }

    /** Full jitter: uniform in [0, min(max, base × 2^(attempt-1))]. */
    Duration backoff(int attempt) {
        long ceiling = Math.min(config.maxDelayMillis(), config.baseDelayMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    /**
     * The longest wait a Retry-After is taken for: SQS delays a message by 15 minutes at most, so a chunk
     * handed back for a longer pause is delivered again after 15 minutes anyway. Clamping here also keeps
     * every later sum (now plus the wait, a pause in nanoseconds) far from overflowing.
     */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(15);

    /**
     * Retry-After as delay-seconds or an HTTP date, clamped to [0, {@link #MAX_RETRY_AFTER}]: a number
     * too large for a long, or a date centuries ahead, is a long wait, not an error. Empty when absent or
     * unreadable (a sign, a fraction, not a date).
     */
    Optional<Duration> retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.strip();
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // Compared as digits, never parsed into a long that could overflow.
            String digits = value.replaceFirst("^0+(?=.)", "");
            boolean beyondMax = digits.length() > 4 || Long.parseLong(digits) > MAX_RETRY_AFTER.toSeconds();
            return Optional.of(beyondMax ? MAX_RETRY_AFTER : Duration.ofSeconds(Long.parseLong(digits)));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Instant now = clock.instant();
            if (!at.isAfter(now)) {
                return Optional.of(Duration.ZERO);
            }
            return Optional.of(at.isAfter(now.plus(MAX_RETRY_AFTER)) ? MAX_RETRY_AFTER : Duration.between(now, at));
        } catch (DateTimeParseException notDate) {
            return Optional.empty();
        }
    }
}
