package dev.fetchfleet.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FailureTolerance;
import dev.fetchfleet.state.StateStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides when a run is complete: writes {@code _SUCCESS} once every part exists, and moves the
 * source's incremental state when the run allows it.
 */
public final class RunCompletion {

    private final BronzeStore store;
    private final ObjectMapper mapper;
    private final BronzeWriter bronze;
    private final RunFiles files;
    private final Clock clock;

    public RunCompletion(BronzeStore store, ObjectMapper mapper, Clock clock) {
        this.store = store;
        this.mapper = mapper;
        this.bronze = new BronzeWriter(store, mapper);
        this.files = new RunFiles(store, mapper);
        this.clock = clock;
    }

    /**
     * Writes {@code _SUCCESS} if every part of the run now exists and nobody wrote it yet. Any worker
     * may call this after its part; the conditional write makes exactly one of them the writer, and only
     * that one moves the source's state: forward, and only when no more requests failed than the job's
     * {@code incremental.tolerateFailures} allows, so the next run asks again for what this one missed.
     */
    public Optional<Success> completeIfDone(RunRef run) {
        Manifest manifest = files.manifest(run);
        List<String> parts = bronze.partKeys(run);
        if (parts.size() < manifest.chunks() || store.exists(run.successKey())) {
            return Optional.empty();
        }
        // Read only here, once every part exists: the job may be large, and every chunk's check comes this way.
        JsonNode incremental = files.job(manifest).map(job -> job.get("incremental")).orElse(null);
        String itemsPath = incremental == null ? null : incremental.path("itemsPath").asText(null);
        String valuePath = incremental == null ? null : incremental.path("valuePath").asText(null);
        FailureTolerance tolerance = incremental == null ? FailureTolerance.NONE
                : FailureTolerance.read(incremental.get("tolerateFailures"), "$.incremental.tolerateFailures", new ArrayList<>());
        PartTally tally = PartTally.of(bronze, parts, itemsPath, valuePath);

        long failed = tally.failedRequests();
        String failures = failed + " of " + tally.requests() + " requests failed (" + tally.noAnswer() + " records without an answer, "
                + tally.refused() + " with a 5xx or 429 after their retries, " + tally.cut() + " ending a chain early)";
        Success.StateMove move = failed == 0
                ? new Success.StateMove(true, "no request failed")
                : tolerance.allows(failed, tally.requests())
                ? new Success.StateMove(true, failures + ", within incremental.tolerateFailures (" + tolerance + ")")
                : new Success.StateMove(false, "held: " + failures + ", more than incremental.tolerateFailures ("
                + tolerance + ") allows; the next run starts from the same state");
        Success success = new Success(run.runId(), run.source(), tally.requests(), tally.records(), manifest.chunks(),
                tally.statusCounts(), manifest.startedAt(), clock.instant(), failed, move);
        if (!files.writeSuccessIfAbsent(run, success)) {
            return Optional.empty();
        }
        if (move.advanced()) {
            new StateStore(store, mapper).advance(run.source(),
                    incremental == null ? null : incremental.path("name").asText("since"), tally.largest(),
                    manifest.startedAt().toString(), run.runId());
        }
        return Optional.of(success);
    }
}
