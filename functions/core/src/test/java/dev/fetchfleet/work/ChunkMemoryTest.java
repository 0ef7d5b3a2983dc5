package dev.fetchfleet.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A chunk's memory follows from the worker's settings, not from what an API sends: a hundred 10 MiB
 * bodies in one chunk (a gigabyte of records) are fetched and written by a worker with the heap of the
 * default 1,769 MB Lambda worker. Runs {@link HostileBodiesProbe} in a JVM of its own with that heap.
 */
class ChunkMemoryTest {

    /** Lambda gives the JVM about 85% of a function's memory: 1,503 MB of the default 1,769. */
    private static final String DEFAULT_WORKER_HEAP = "-Xmx1503m";

    @Test
    void aChunkOfAHundred10MiBBodiesIsWrittenWhole() throws Exception {
        JsonNode figures = probe(DEFAULT_WORKER_HEAP, "100", "10", "text");

        assertEquals(100, figures.get("records").asInt(), figures.toString());
        assertEquals(100, figures.get("answered").asInt(), "every body kept whole, none cut: " + figures);
        assertEquals(10 << 20, figures.get("smallestBodyChars").asInt(), figures.toString());
        assertTrue(figures.get("peakHeapAfterGcMiB").asLong() < figures.get("maxHeapMiB").asLong() / 2,
                "the chunk kept at most half the heap alive: " + figures);
    }

    static JsonNode probe(String heap, String... args) throws Exception {
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(javaCommand, heap, "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), HostileBodiesProbe.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), output);
        assertEquals(0, process.exitValue(), output.length() > 4000 ? output.substring(output.length() - 4000) : output);
        String line = output.lines().filter(l -> l.startsWith("{\"requests\"")).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("no figures printed:\n" + output));
        System.out.println("hostile bodies: " + line);
        return Json.newMapper().readTree(line);
    }
}
