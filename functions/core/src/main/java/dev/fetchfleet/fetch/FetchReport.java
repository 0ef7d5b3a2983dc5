package dev.fetchfleet.fetch;

import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.job.RequestSpec;
import java.util.List;

/**
 * What a fetch of a chunk produced: a bronze record for each request or page that ended (with a
 * response or a terminal error), and the requests the deadline left unfinished, to be handed back:
 * unstarted, or a chain stopped before its last page (whose fetched pages are among the records).
 */
public record FetchReport(List<BronzeRecord> records, List<RequestSpec> unfinished) {

    public boolean complete() {
        return unfinished.isEmpty();
    }
}
