package dev.fetchfleet.work;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fetchfleet.bronze.BronzeRecord;

/**
 * One line of a checkpoint segment: a fetched page (or a request's only answer) and where its chain goes
 * on from there, {@code null} when the chain ended with it. The cursor sits beside the page it came
 * from, so a page and its way on become durable together.
 */
record CheckpointEntry(@JsonProperty("record") BronzeRecord record, @JsonProperty("next") String next) {}
