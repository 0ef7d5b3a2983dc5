package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person watching a local run sees why a chunk failed in the log line itself: the text log prints
 * only a line's message, so a reason kept in a structured field alone never reached the terminal.
 */
class ChunkFailureLogTest {

    @Test
    void theLogLineOfAFailedChunkSaysWhyWithoutAStackTrace(@TempDir Path dir) throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort(); // nothing listens here once closed: the secret store cannot be reached
        }
        try (FlakyApi api = new FlakyApi(1)) {
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "secretive", "requests": [{"url": "%s/items/1", "headers": {"X-Api-Key": "{{ssm:/fetchfleet/key}}"}}]}
                    """.formatted(api.base()));
            Path log = dir.resolve("run.log");

            Process run = Cli.start(List.of("run", job.toString(), "--bronze", dir.resolve("bronze").toString(), "--workers", "1",
                    "--max-receive-count", "1", "--timeout", "120", "--resolve-secrets", "--endpoint-url", "http://127.0.0.1:" + closed), log);
            assertTrue(run.waitFor(3, TimeUnit.MINUTES), "the run ends");

            String output = Files.readString(log);
            assertEquals(FetchFleetCli.EXIT_INCOMPLETE, run.exitValue(), output);
            List<String> failed = output.lines().filter(line -> line.contains("chunk failed")).toList();
            assertEquals(1, failed.size(), output);
            assertTrue(failed.getFirst().contains("secret {{ssm:/fetchfleet/key}} could not be read"), output);
            assertFalse(output.contains("\tat "), "no stack trace: " + output);
            assertEquals(0, api.total(), "nothing was sent without its secret");
        }
    }
}
