package dev.fetchfleet.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ChunkPlannerTest {

    private static final RunRef RUN = new RunRef("posts", "2026-03-01", "run-1");

    private static List<RequestSpec> requests(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> new RequestSpec("r" + i, "GET", URI.create("https://api.example.com/posts/" + i), Map.of(), null))
                .toList();
    }

    @Test
    void splitsRequestsIntoFullChunksAndASmallerLastOne() {
        List<RequestSpec> requests = requests(250);
        List<Chunk> chunks = ChunkPlanner.plan(RUN, requests, new FleetLayout(100, 1, 1), FetchConfig.DEFAULT);

        assertEquals(List.of(100, 100, 50), chunks.stream().map(c -> c.requests().size()).toList());
        assertEquals(List.of(0, 1, 2), chunks.stream().map(Chunk::index).toList());
        assertTrue(chunks.stream().allMatch(c -> c.chunkCount() == 3));
        assertTrue(chunks.stream().allMatch(c -> c.run().equals(RUN) && c.fetch().equals(FetchConfig.DEFAULT)));
        assertEquals(requests, chunks.stream().flatMap(c -> c.requests().stream()).toList(), "every request once, in order");
        assertEquals("r200", chunks.get(2).requests().getFirst().id());
    }

    @Test
    void makesNoSmallerChunkWhenTheRequestsDivideEvenly() {
        List<Chunk> chunks = ChunkPlanner.plan(RUN, requests(200), new FleetLayout(100, 1, 1), FetchConfig.DEFAULT);
        assertEquals(List.of(100, 100), chunks.stream().map(c -> c.requests().size()).toList());
        assertEquals(2, chunks.getFirst().chunkCount());
    }

    @Test
    void putsFewerRequestsThanAChunkInOneChunk() {
        List<Chunk> chunks = ChunkPlanner.plan(RUN, requests(3), new FleetLayout(1000, 1, 1), FetchConfig.DEFAULT);
        assertEquals(1, chunks.size());
        assertEquals(1, chunks.getFirst().chunkCount());
        assertEquals(3, chunks.getFirst().requests().size());
    }

    @Test
    void givesEachRequestItsOwnChunkAtChunkSizeOne() {
        List<Chunk> chunks = ChunkPlanner.plan(RUN, requests(4), new FleetLayout(1, 1, 1), FetchConfig.DEFAULT);
        assertEquals(4, chunks.size());
        assertEquals("r3", chunks.get(3).requests().getFirst().id());
    }

    @Test
    void refusesAChunkSizeBelowOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChunkPlanner.plan(RUN, requests(3), new FleetLayout(0, 1, 1), FetchConfig.DEFAULT));
        assertTrue(e.getMessage().contains("chunkSize"), e.getMessage());
    }
}
