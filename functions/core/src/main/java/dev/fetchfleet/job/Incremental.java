package dev.fetchfleet.job;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Incremental ingestion: the largest {@code valuePath} among the items at {@code itemsPath} of a
 * completed run is kept per source as state {@code name}; {@code {{state:NAME}}} in the job uses it,
 * {@code initial} before the first completed run or on a full refresh. A run with more failed requests
 * than {@code tolerateFailures} leaves the state where it was. The manifest records it under these JSON names.
 */
public record Incremental(@JsonProperty("name") String name,
                          @JsonProperty("items_path") String itemsPath,
                          @JsonProperty("value_path") String valuePath,
                          @JsonProperty("initial") String initial,
                          @JsonProperty("full_refresh") boolean fullRefresh,
                          @JsonProperty("tolerate_failures") FailureTolerance tolerateFailures) {

    public Incremental {
        tolerateFailures = tolerateFailures == null ? FailureTolerance.NONE : tolerateFailures;
    }

    /** The state name a job gets when it names none. */
    public static final String DEFAULT_NAME = "since";

    public Incremental withFullRefresh(boolean fullRefresh) {
        return new Incremental(name, itemsPath, valuePath, initial, fullRefresh, tolerateFailures);
    }
}
