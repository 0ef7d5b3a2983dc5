package dev.fetchfleet.work;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.fetch.ChainCursor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint entry comes back from a segment, plain or gzipped, with every field of its record and its way on. */
@Tag("unit")
class CheckpointEntryRoundTripTest {

    private static final RunRef RUN = new RunRef("feed", "2026-11-30", "run-1");

    private final ObjectMapper mapper = Json.newMapper();

    @Test
    void aSegmentGivesBackEveryFieldOfEveryEntryAndWhereItsChainGoesOn(@TempDir Path root) throws Exception {
        BronzeWriter bronze = new BronzeWriter(new LocalBronzeStore(root), mapper);
        BronzeRecord first = new BronzeRecord("run-1", "feed", "chain", "POST", "https://api.example.com/feed?cursor=c1&x=%20y", 200,
                Map.of("content-type", "application/json", "authorization", "[REDACTED]"),
                mapper.readTree("{\"items\": [{\"n\": 1, \"at\": \"2026-11-30T00:00:00.5+01:00\"}], \"big\": 12345678901234}"), "json",
                Instant.parse("2026-11-30T01:02:03.123456789Z"), 321, 3, null, 4);
        BronzeRecord last = new BronzeRecord("run-1", "feed", "chain", "POST", "https://api.example.com/feed?cursor=c2", 503,
                Map.of(), mapper.readTree("\"text body\""), "text", Instant.parse("2026-11-30T01:02:04Z"), 12, 5,
                "gave up after 5 attempts", 5);
        List<CheckpointEntry> entries = List.of(new CheckpointEntry(first, "https://api.example.com/feed?cursor=c2"),
                new CheckpointEntry(last, null));

        for (boolean gzipped : List.of(false, true)) {
            String key = RUN.checkpointPrefix(0) + "seg-" + gzipped + ".jsonl" + (gzipped ? ".gz" : "");
            bronze.store().put(key, bronze.encodeLines(entries, gzipped));

            assertEquals(entries, bronze.readLines(key, CheckpointEntry.class), gzipped ? "gzipped" : "plain");
        }
        ChunkProgress progress = ChunkProgress.of(List.of(new CheckpointEntry(first, "https://api.example.com/feed?cursor=c2")));
        assertEquals(new ChainCursor(URI.create("https://api.example.com/feed?cursor=c2"), 5,
                Set.of(URI.create(first.url()))), progress.resumeAt().get("chain"));
    }
}
