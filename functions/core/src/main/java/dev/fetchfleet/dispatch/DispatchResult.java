package dev.fetchfleet.dispatch;

import dev.fetchfleet.bronze.RunRef;

/** What a dispatch did: the run it started and how much it sent. */
public record DispatchResult(RunRef run, int requests, int chunks, int sendCalls, String runLocation) {
}
