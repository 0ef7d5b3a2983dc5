package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed while it completed leaves its completion claimed by a process that is gone: resumed, the run
 * still completes, once the claim's lease is over, instead of waiting out its timeout.
 */
class LocalCompletionClaimTest {

    @Test
    void aRunWhoseCompletionWasClaimedByAProcessThatDiedCompletesWhenResumed(@TempDir Path dir) throws Exception {
        try (DemoApi api = DemoApi.start(0, new DemoApi.Options(Duration.ofMillis(1), 0, 1))) {
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "claimed", "chunkSize": 10,
                     "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": 20}}}}
                    """.formatted(api.baseUrl()));
            Path bronze = dir.resolve("bronze");
            // A timeout well past the claim's lease: the run as it was never completed, and timed out here instead.
            List<String> args = List.of("run", job.toString(), "--bronze", bronze.toString(), "--run-id", "claimed-1",
                    "--workers", "2", "--timeout", "150");
            Cli.Result first = Cli.run(args);
            assertEquals(0, first.exitCode(), first.err());

            // As a completer killed between its claim and _SUCCESS leaves the run.
            Path run;
            try (var found = Files.walk(bronze)) {
                run = found.filter(p -> p.getFileName().toString().equals("run_id=claimed-1") && !p.toString().contains("_runs"))
                        .findFirst().orElseThrow();
            }
            Files.delete(run.resolve("_SUCCESS"));
            Files.writeString(run.resolve("_summaries").resolve("_completing"),
                    "{\"claimant\":\"killed\",\"claimed_at\":\"" + Instant.now() + "\"}");

            Cli.Result resumed = Cli.run(args);

            assertEquals(0, resumed.exitCode(), resumed.err());
            assertTrue(resumed.summary().get("complete").asBoolean(), resumed.summary().toString());
            assertEquals(20, resumed.summary().get("records").asInt(), resumed.summary().toString());
            assertTrue(Files.exists(run.resolve("_SUCCESS")));
        }
    }
}
