package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a local run while its dispatcher is sending range messages, the same run id again killed once
 * some parts are written, then once more to the end: every request of the file in bronze exactly once, and
 * the last run sends only the chunks without a part. Real processes on a loopback API; the same as
 * {@code bench dispatch-kill} at a million requests.
 */
class LocalDispatchKillTest {

    @Test
    void aRunKilledMidDispatchAndAgainMidFetchEndsWithEveryRequestOnceInBronze(@TempDir Path dir) throws Exception {
        // 3,000 requests in 300 chunks or more, sent as range messages of one chunk (three batches or more): the fan-out's path
        // at a size a test waits for.
        BenchDispatchKill.Outcome o = BenchDispatchKill.run(dir, 3_000, 10, 1, 4, "256m", 60,
                new PrintWriter(System.out, true), Json.newMapper());
        System.out.println(o);

        assertTrue(o.firstKilledMidDispatch(), "the first kill came while _dispatch.json said the dispatch was not finished: " + o);
        assertTrue(o.rangesSentAtFirstKill() < o.ranges(), o.toString());
        assertTrue(o.partsAtSecondKill() >= 60 && o.partsAtSecondKill() < o.chunks(), o.toString());
        assertEquals(0, o.lastRunExit(), o.toString());
        assertEquals(0, o.missing(), o.toString());
        assertEquals(0, o.twice(), o.toString());
        assertEquals(o.requests(), o.records(), o.toString());
        // The last run sent only what had no part and summary yet, as range messages naming those chunks; each of the
        // 4 workers may have been killed between a part and its summary, and that chunk is sent again.
        assertTrue(o.lastRunChunksAlreadyDone() >= o.partsAtSecondKill() - 4
                && o.lastRunChunksAlreadyDone() <= o.partsAtSecondKill(), o.toString());
        assertEquals(o.chunks(), o.lastRunChunksSent() + o.lastRunChunksAlreadyDone(), o.toString());
    }
}
