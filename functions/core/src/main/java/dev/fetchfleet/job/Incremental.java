package dev.fetchfleet.job;

/**
 * Incremental ingestion: the largest {@code valuePath} among the items at {@code itemsPath} of a
 * completed run is kept per source as state {@code name}; {@code {{state:NAME}}} in the job uses it,
 * {@code initial} before the first completed run or on a full refresh. A run with more failed requests
 * than {@code tolerateFailures} leaves the state where it was.
 */
public record Incremental(String name, String itemsPath, String valuePath, String initial, boolean fullRefresh,
                          FailureTolerance tolerateFailures) {

    public Incremental {
        tolerateFailures = tolerateFailures == null ? FailureTolerance.NONE : tolerateFailures;
    }
}
