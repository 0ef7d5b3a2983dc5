package dev.fetchfleet.work;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.Ticker;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.ForwardingStore;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.bronze.RunRef;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint writer that dies of something other than a store's exception (an Error: out of memory while
 * it assembles a segment) fails its chunk instead of leaving whoever waits for it (seal, appenders held back
 * at the memory bound) waiting forever.
 */
class CheckpointWriterFaultTest {

    private static final RunRef RUN = new RunRef("feed", "2026-11-30", "run-1");
    private final ObjectMapper mapper = Json.newMapper();

    @TempDir
    Path root;

    @Test
    @Timeout(60)
    void aWriterKilledByAnErrorFailsTheSealInsteadOfHangingIt() throws Exception {
        BronzeWriter bronze = new BronzeWriter(new CheckpointPutsDie(new LocalBronzeStore(root)), mapper);
        try (CheckpointLog log = new CheckpointLog(bronze, RUN, 0, Clock.systemUTC(), Ticker.SYSTEM, Duration.ofMillis(20))) {
            log.fetched(CheckpointLogTest.page("a", 0), URI.create("https://api.example.com/a?p=1"));

            IllegalStateException failed = assertThrows(IllegalStateException.class, log::seal);

            assertTrue(failed.getMessage().contains("checkpoint could not be written"), failed.getMessage());
            assertTrue(failed.getMessage().contains("Java heap space"), "says what the writer died of: " + failed.getMessage());
            // And every later page of every chain stops, as after a store's own error.
            assertThrows(IllegalStateException.class, () -> log.fetched(CheckpointLogTest.page("a", 1), null));
        }
    }

    /** A real store on disk whose checkpoint writes die as a JVM out of memory does. */
    private record CheckpointPutsDie(BronzeStore store) implements ForwardingStore {
        @Override
        public void put(String key, byte[] bytes) {
            if (key.startsWith("_checkpoints/")) {
                throw new OutOfMemoryError("Java heap space");
            }
            store.put(key, bytes);
        }
    }
}
