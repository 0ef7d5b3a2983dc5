package dev.fetchfleet.fetch;

import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.job.RequestSpec;
import java.time.Duration;
import java.util.List;

/**
 * What a fetch of a chunk produced: a bronze record for each request or page that ended (with a
 * response or a terminal error), and the requests the deadline left unfinished, to be handed back:
 * unstarted, stopped between retries, or a chain stopped before its last page (whose fetched pages are
 * among the records). {@code retryAfter} is how long a host asked (Retry-After) not to be called again
 * by those unfinished requests; zero when none did.
 */
public record FetchReport(List<BronzeRecord> records, List<RequestSpec> unfinished, Duration retryAfter) {

    public FetchReport(List<BronzeRecord> records, List<RequestSpec> unfinished) {
        this(records, unfinished, Duration.ZERO);
    }

    public boolean complete() {
        return unfinished.isEmpty();
    }
}
