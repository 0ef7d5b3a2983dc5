package dev.fetchfleet.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.job.JobValidationException;
import dev.fetchfleet.job.StatePlaceholders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class StateStoreTest {

    private final ObjectMapper mapper = Json.newMapper();

    @Test
    void runsFinishingTogetherCannotLoseAnUpdate(@TempDir Path dir) throws Exception {
        StateStore state = new StateStore(new LocalBronzeStore(dir), mapper);
        List<Future<SourceState>> done = new ArrayList<>();
        try (ExecutorService runs = Executors.newFixedThreadPool(8)) {
            for (int i = 1; i <= 40; i++) {
                String value = String.format("2026-01-%02dT00:00:00Z", 1 + (i * 7) % 28);
                String started = String.format("2026-02-01T00:00:%02dZ", i);
                String runId = "run-" + i;
                done.add(runs.submit(() -> state.advance("src", "since", value, started, runId)));
            }
        }
        for (Future<SourceState> f : done) {
            f.get();
        }
        SourceState finalState = state.read("src").orElseThrow();
        assertEquals("2026-01-22T00:00:00Z", finalState.values().get("since"), "the largest value of all (days 8, 15, 22, 1), whatever the order");
        assertEquals("2026-02-01T00:00:40Z", finalState.lastSuccessStartedAt());
        assertEquals("run-40", finalState.lastSuccessRunId());
    }

    @Test
    void aLocalWriteAtAStaleVersionIsRefused(@TempDir Path dir) {
        LocalBronzeStore store = new LocalBronzeStore(dir);
        assertTrue(store.putIfVersion("k", "one".getBytes(StandardCharsets.UTF_8), null));
        String version = store.getVersioned("k").orElseThrow().version();
        assertFalse(store.putIfVersion("k", "x".getBytes(StandardCharsets.UTF_8), null), "not absent any more");
        assertTrue(store.putIfVersion("k", "two".getBytes(StandardCharsets.UTF_8), version));
        assertFalse(store.putIfVersion("k", "three".getBytes(StandardCharsets.UTF_8), version), "stale version");
        assertEquals("two", new String(store.get("k").orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void numbersCompareAsNumbersAndTimesAsText() {
        assertEquals("10", StateStore.larger("9", "10"));
        assertEquals("2026-03-01T00:00:00Z", StateStore.larger("2026-03-01T00:00:00Z", "2026-02-28T23:59:59Z"));
        assertEquals("a", StateStore.larger(null, "a"));
    }

    @Test
    void timesCompareAsInstantsWhateverTheirOffsetOrPrecision() {
        assertEquals("2026-01-01T00:00:00.5Z", StateStore.larger("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5Z"),
                "as text, '.' sorts before 'Z'");
        assertEquals("2026-01-01T00:00:00.5Z", StateStore.larger("2026-01-01T00:00:00.5Z", "2026-01-01T01:00:00+01:00"));
        assertEquals("2026-01-01T00:30:00-01:00", StateStore.larger("2026-01-01T01:00:00Z", "2026-01-01T00:30:00-01:00"),
                "00:30 at -01:00 is 01:30 UTC");
        assertEquals("2026-01-01T00:00:00.000001Z", StateStore.larger("2026-01-01T00:00:00.000001Z", "2026-01-01T00:00:00Z"));
        assertEquals("2026-01-01T00:00:00+0100", StateStore.larger("2025-12-31T22:59:59.999999999Z", "2026-01-01T00:00:00+0100"));
        assertEquals("2026-01-01T00:00", StateStore.larger("2026-01-01T00:00", "2026-01-01T00:00:00.000"),
                "two times without an offset compare as times too: equal, so the value held stays");
        assertEquals("2026-01-01T00:00:00Z", StateStore.larger("2026-01-01T00:00:00Z", "2026-01-01T01:00:00+01:00"),
                "the same instant: the value already held stays");
        assertEquals("b", StateStore.larger("2026-01-01T00:00:00Z", "b"), "a time and a word compare as text");
        assertEquals("1e3", StateStore.larger("999.5", "1e3"));
    }

    @Test
    void placeholdersTakeTheirValuesEverywhereButTheIncrementalObject() throws Exception {
        var job = mapper.readTree("""
                {"source": "s", "requests": [{"url": "https://api.example.com/x?since={{state:since}}",
                  "headers": {"X-Since": "{{state:last_success_started_at}}"}, "body": {"from": ["{{state:since}}"]}}],
                 "incremental": {"initial": "{{state:since}}"}}
                """);
        var filled = StatePlaceholders.substitute(job, Map.of("since", "2026-01-01", "last_success_started_at", "2026-02-02"));
        assertEquals("https://api.example.com/x?since=2026-01-01", filled.at("/requests/0/url").asText());
        assertEquals("2026-02-02", filled.at("/requests/0/headers/X-Since").asText());
        assertEquals("2026-01-01", filled.at("/requests/0/body/from/0").asText());
        assertEquals("{{state:since}}", filled.at("/incremental/initial").asText());
    }

    @Test
    void anUnknownStateNameIsAValidationErrorWithItsPath() throws Exception {
        var job = mapper.readTree("{\"source\": \"s\", \"requests\": [{\"url\": \"https://a.example/?u={{state:until}}\"}]}");
        JobValidationException e = assertThrows(JobValidationException.class,
                () -> StatePlaceholders.substitute(job, Map.of("since", "x")));
        assertTrue(e.getMessage().contains("$.requests[0].url") && e.getMessage().contains("{{state:until}} names no state"), e.getMessage());
    }
}
