package dev.fetchfleet.local;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.run.DispatchProgress;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.run.PartTally;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.run.Success;
import dev.fetchfleet.bronze.RunRef;
import java.util.Map;
import java.util.Optional;

/** Where a run stands, read from bronze alone: parts written of expected, requests by status, checkpoints. */
@JsonPropertyOrder({"complete", "run_id", "source", "ingest_date", "location", "parts_written", "parts_expected",
        "requests_expected", "records", "status_counts", "checkpoints_pending", "dead_letters", "estimated_wall_seconds",
        "actual_wall_seconds", "failed_requests", "state_move", "source_state", "dispatch", "ranges_expanded"})
record RunStatus(
        @JsonProperty("complete") boolean complete,
        @JsonProperty("run_id") String runId,
        @JsonProperty("source") String source,
        @JsonProperty("ingest_date") String ingestDate,
        @JsonProperty("location") String location,
        @JsonProperty("parts_written") int partsWritten,
        @JsonProperty("parts_expected") int partsExpected,
        @JsonProperty("requests_expected") int requestsExpected,
        @JsonProperty("records") long records,
        @JsonProperty("status_counts") Map<String, Long> statusCounts,
        @JsonProperty("checkpoints_pending") int checkpointsPending,
        @JsonProperty("dead_letters") Integer deadLetters,
        /** The planner's prediction from the manifest, beside the run's time from start to _SUCCESS. */
        @JsonProperty("estimated_wall_seconds") Double estimatedWallSeconds,
        @JsonProperty("actual_wall_seconds") Double actualWallSeconds,
        /** From _SUCCESS: requests with a failed record, and whether the source's state moved or held and why (null before _SUCCESS). */
        @JsonProperty("failed_requests") Long failedRequests,
        @JsonProperty("state_move") Success.StateMove stateMove,
        /** The source's incremental state now (values and last completed run). */
        @JsonProperty("source_state") dev.fetchfleet.state.SourceState sourceState,
        /** How far the dispatcher got in sending the run's chunks or range messages (null for runs from before it was kept). */
        @JsonProperty("dispatch") DispatchProgress dispatch,
        /** Range messages the workers have cut into chunk messages so far. */
        @JsonProperty("ranges_expanded") int rangesExpanded) {

    /** The run with this id; {@code source} may be null, then every source's index is searched. */
    static Optional<RunStatus> read(BronzeWriter bronze, BronzeStore store, String source, String runId, Integer deadLetters) {
        Optional<RunRef> found = source != null ? bronze.findRun(source, runId) : findAnySource(bronze, store, runId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RunRef run = found.get();
        RunFiles files = new RunFiles(store, dev.fetchfleet.Json.newMapper());
        Manifest manifest = files.manifest(run);
        PartTally tally = PartTally.of(bronze, run, null, null);
        Double estimated = manifest.estimate() == null ? null : manifest.estimate().expectedWallSeconds();
        Optional<Success> success = files.readSuccess(run);
        Double actual = success.map(s -> java.time.Duration.between(s.startedAt(), s.finishedAt()).toMillis() / 1000.0)
                .orElse(null);
        return Optional.of(new RunStatus(store.exists(run.successKey()), run.runId(), run.source(), run.ingestDate(),
                store.locate(run.prefix()), tally.parts(), manifest.chunks(), manifest.requests(), tally.records(), tally.statusCounts(),
                bronze.chunksWithCheckpoints(run).size(), deadLetters, estimated, actual,
                success.map(Success::failedRequests).orElse(null), success.map(Success::state).orElse(null),
                new dev.fetchfleet.state.StateStore(store, dev.fetchfleet.Json.newMapper()).read(run.source()).orElse(null),
                DispatchProgress.read(store, dev.fetchfleet.Json.newMapper(), run).orElse(null),
                store.list(dev.fetchfleet.dispatch.ChunkRange.sentPrefix(run)).size()));
    }

    private static Optional<RunRef> findAnySource(BronzeWriter bronze, BronzeStore store, String runId) {
        return store.list("_runs/").stream()
                .filter(key -> key.endsWith("/run_id=" + runId + ".json"))
                .map(key -> key.substring("_runs/source=".length(), key.indexOf('/', "_runs/source=".length())))
                .findFirst()
                .flatMap(source -> bronze.findRun(source, runId));
    }
}
