package dev.fetchfleet;

import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.BufferRecycler;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The project's mapper recycles its encoding buffers across the virtual threads the fleet fetches on. */
class JsonTest {

    @Test
    void aBufferGivenBackOnOneVirtualThreadIsTakenAgainOnTheNext() throws Exception {
        JsonFactory factory = Json.newMapper().getFactory();
        Callable<BufferRecycler> takeAndGiveBack = () -> {
            BufferRecycler recycler = factory._getBufferRecycler();
            recycler.releaseToPool();
            return recycler;
        };
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            BufferRecycler first = threads.submit(takeAndGiveBack).get();
            BufferRecycler second = threads.submit(takeAndGiveBack).get();
            assertSame(first, second, "each virtual thread got buffers of its own: a per-thread pool");
        }
    }
}
