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
        "actual_wall_seconds", "failed_requests", "state_move", "source_state", "dispatch", "ranges_expanded", "levels"})
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
        @JsonProperty("ranges_expanded") int rangesExpanded,
        /** A job with children: every level, the job's own first; the run is complete when each is (absent without children). */
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        @JsonProperty("levels") java.util.List<Level> levels) {

    /**
     * One level: its parts written, the chunks its parent level announced (null until the parent level is complete;
     * for the job's own level, its chunks), its records by status, and whether its _SUCCESS is written.
     */
    record Level(@JsonProperty("source") String source,
                 @JsonProperty("parent_source") String parentSource,
                 @JsonProperty("complete") boolean complete,
                 @JsonProperty("parts_written") int partsWritten,
                 @JsonProperty("parts_expected") Integer partsExpected,
                 @JsonProperty("records") long records,
                 @JsonProperty("status_counts") Map<String, Long> statusCounts) {}

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
        java.util.List<Level> levels = levels(bronze, store, files, run);
        boolean complete = store.exists(run.successKey()) && levels.stream().allMatch(Level::complete);
        return Optional.of(new RunStatus(complete, run.runId(), run.source(), run.ingestDate(),
                store.locate(run.prefix()), tally.parts(), manifest.chunks(), manifest.requests(), tally.records(), tally.statusCounts(),
                bronze.chunksWithCheckpoints(run).size(), deadLetters, estimated, actual,
                success.map(Success::failedRequests).orElse(null), success.map(Success::state).orElse(null),
                new dev.fetchfleet.state.StateStore(store, dev.fetchfleet.Json.newMapper()).read(run.source()).orElse(null),
                DispatchProgress.read(store, dev.fetchfleet.Json.newMapper(), run).orElse(null),
                store.list(dev.fetchfleet.dispatch.ChunkRange.sentPrefix(run)).size(), levels));
    }

    private static java.util.List<Level> levels(BronzeWriter bronze, BronzeStore store, RunFiles files, RunRef run) {
        var mapper = dev.fetchfleet.Json.newMapper();
        java.util.List<RunRef> all = new dev.fetchfleet.run.LevelCompletion(store, mapper, java.time.Clock.systemUTC()).levels(run);
        if (all.size() == 1) {
            return java.util.List.of();
        }
        java.util.List<Level> levels = new java.util.ArrayList<>();
        for (RunRef level : all) {
            Manifest manifest = files.manifest(level);
            PartTally tally = PartTally.of(bronze, level, null, null);
            Integer expected = manifest.parentSource() == null ? Integer.valueOf(manifest.chunks()) : store.get(level.announcedKey())
                    .map(bytes -> {
                        try {
                            return mapper.readValue(bytes, dev.fetchfleet.run.ChildrenSent.class).chunks();
                        } catch (java.io.IOException e) {
                            return null;
                        }
                    }).orElse(null);
            levels.add(new Level(level.source(), manifest.parentSource(), store.exists(level.successKey()), tally.parts(), expected,
                    tally.records(), tally.statusCounts()));
        }
        return levels;
    }

    private static Optional<RunRef> findAnySource(BronzeWriter bronze, BronzeStore store, String runId) {
        return store.list("_runs/").stream()
                .filter(key -> key.endsWith("/run_id=" + runId + ".json"))
                .map(key -> key.substring("_runs/source=".length(), key.indexOf('/', "_runs/source=".length())))
                .map(source -> bronze.findRun(source, runId))
                .flatMap(Optional::stream)
                // A job with children indexes each level under the same run id: the job's own level has no parent.
                .min(java.util.Comparator.comparing(run -> new RunFiles(store, dev.fetchfleet.Json.newMapper())
                        .readManifest(run).map(m -> m.parentSource() != null).orElse(true)));
    }
}
