package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fetchfleet.job.FetchConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Retry-After values an API may send, read against a fixed clock: a date past is no wait, a value unreadable is none. */
@Tag("unit")
class RetryAfterValuesTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final RetryPolicy policy = new RetryPolicy(FetchConfig.Retry.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aDateInThePastIsNoWaitAndADateAheadIsTheTimeLeft() {
        assertEquals(Optional.of(Duration.ZERO), policy.retryAfter("Sun, 01 Mar 2026 11:59:00 GMT"));
        assertEquals(Optional.of(Duration.ZERO), policy.retryAfter("Thu, 01 Jan 1970 00:00:00 GMT"));
        assertEquals(Optional.of(Duration.ofSeconds(90)), policy.retryAfter("Sun, 01 Mar 2026 12:01:30 GMT"));
        assertEquals(Optional.of(Duration.ZERO), policy.retryAfter("0"));
        assertEquals(Optional.of(Duration.ofSeconds(7)), policy.retryAfter(" 007 "));
    }

    /** Unreadable: the request backs off as it would without the header, never waits a negative or parsed-wrong time. */
    @ParameterizedTest
    @ValueSource(strings = {"-5", "+5", "1.5", "1e3", "soon", "Sunday", "5 s", "0x10", "２"})
    void aValueThatIsNeitherSecondsNorAnHttpDateIsIgnored(String value) {
        assertEquals(Optional.empty(), policy.retryAfter(value), value);
    }
}
