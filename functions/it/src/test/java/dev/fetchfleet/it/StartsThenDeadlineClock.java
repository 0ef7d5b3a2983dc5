package dev.fetchfleet.it;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.IntSupplier;

/**
 * A worker's clock for deadline tests: it stands still until the API has seen {@code starts} calls,
 * then reads an hour later. A worker whose start deadline lies a moment ahead so starts exactly the
 * requests that reach the API before the jump, however slow or busy the machine, instead of however
 * many a real half-second allows.
 */
final class StartsThenDeadlineClock extends Clock {

    private final Instant origin = Instant.now();
    private final IntSupplier callsSoFar;
    private final int starts;

    StartsThenDeadlineClock(IntSupplier callsSoFar, int starts) {
        this.callsSoFar = callsSoFar;
        this.starts = starts;
    }

    @Override
    public Instant instant() {
        return callsSoFar.getAsInt() >= starts ? origin.plus(Duration.ofHours(1)) : origin;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
