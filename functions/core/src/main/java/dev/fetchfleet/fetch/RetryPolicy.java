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

    /** Retry-After as delay-seconds or an HTTP date; empty when absent or unreadable. */
    Optional<Duration> retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(clock.instant(), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }
}
