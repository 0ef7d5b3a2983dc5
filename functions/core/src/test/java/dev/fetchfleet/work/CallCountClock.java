package dev.fetchfleet.work;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.IntSupplier;

/**
 * A worker's clock for deadline tests: it stands still, and moves an hour on each time the API has
 * seen {@code every} more calls. An invocation whose deadline lies a moment ahead of it so fetches
 * pages until the next such step: at least one page, however slow or busy the machine.
 */
final class CallCountClock extends Clock {

    private final Instant origin = Instant.now();
    private final IntSupplier calls;
    private final int every;

    CallCountClock(IntSupplier calls, int every) {
        this.calls = calls;
        this.every = every;
    }

    @Override
    public Instant instant() {
        return origin.plus(Duration.ofHours(calls.getAsInt() / every));
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
