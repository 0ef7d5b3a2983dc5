package dev.fetchfleet.dispatch;

import dev.fetchfleet.bronze.RunRef;
import java.util.List;

/**
 * What a dispatch did: the run it started (or resumed), how much it sent, and what the user should
 * know (which caps bind the run, and which field to raise). {@code lanes} is how many chunks fetch at
once, each with that share of the API's caps. {@code chunksAlreadyDone} counts the parts an earlier dispatch of the same run id
 * had already written; those chunks were not sent again.
 */
public record DispatchResult(RunRef run, int requests, int chunks, int lanes, int chunksSent, int chunksAlreadyDone,
                             String runLocation, List<String> warnings) {
}
