package dev.fetchfleet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.plan.RunEstimate;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code _manifest.json} and {@code _SUCCESS} come back as written, every field set. */
@Tag("unit")
class ManifestAndSuccessRoundTripTest {

    private final ObjectMapper mapper = Json.newMapper();

    @Test
    void aManifestComesBackWithItsJobEstimateStateAndLanes(@TempDir Path root) throws Exception {
        RunFiles files = new RunFiles(new LocalBronzeStore(root), mapper);
        RunEstimate estimate = new RunEstimate(10, 2, 800, 4, 1769, 4, 3, 5, 6, 12.5, 0.75, 4, 0.0123,
                Map.of("thread_pool", new RunEstimate.Alternative(30.5, 0.01, "one machine")), "2026-11-01");
        Manifest manifest = new Manifest("run-1", "posts", "2026-11-30", Instant.parse("2026-11-30T01:02:03.456Z"), 10, 2, 5,
                mapper.readTree("{\"source\": \"posts\", \"requests\": [{\"url\": \"https://a.example/x\", "
                        + "\"headers\": {\"Authorization\": \"{{ssm:/k}}\"}, \"paginate\": {\"type\": \"link\"}}], "
                        + "\"incremental\": {\"itemsPath\": \"items\", \"valuePath\": \"at\", \"initial\": \"0\", \"tolerateFailures\": \"1%\"}}"),
                estimate, Map.of("since", "2026-11-29T00:00:00Z", "last_success_started_at", "2026-11-29T00:00:00Z"), 3);

        files.writeManifest(manifest);

        assertEquals(manifest, files.readManifest(manifest.run()).orElseThrow());
    }

    @Test
    void successComesBackWithItsCountsAndWhatItDidToTheState(@TempDir Path root) throws Exception {
        LocalBronzeStore store = new LocalBronzeStore(root);
        RunRef run = new RunRef("posts", "2026-11-30", "run-1");
        Success success = new Success("run-1", "posts", 10, 14, 2, Map.of("200", 12L, "error", 2L),
                Instant.parse("2026-11-30T01:00:00Z"), Instant.parse("2026-11-30T01:05:00.25Z"), 2,
                new Success.StateMove(false, "held: 2 of 10 requests failed"));
        store.put(run.successKey(), mapper.writeValueAsBytes(success));

        assertEquals(success, new RunFiles(store, mapper).readSuccess(run).orElseThrow());
    }
}
