package dev.fetchfleet.run;

import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.state.StateStore;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a run's parts hold, counted in one pass: the one scan of parts that completion, {@code status}
 * and the local summary share.
 *
 * @param requests        distinct request ids
 * @param records         lines (a paginated request has one per page)
 * @param duplicates      lines whose (request_id, page) came before: 0 unless something is wrong
 * @param succeeded       records with a status below 400
 * @param failedRequests  requests with at least one failed record ({@link BronzeRecord#failed()})
 * @param noAnswer        failed records without an answer
 * @param refused         failed records with a 5xx or 429 after their retries
 * @param cut             other failed records: a chain ended early (maxPages, a refused or malformed link)
 * @param largest         the largest incremental value among the items, when asked for (else null)
 */
public record PartTally(int parts, Map<String, Long> statusCounts, long requests, long records, long duplicates,
                        long succeeded, long failedRequests, long noAnswer, long refused, long cut,
                        long sequentialMillis, String largest) {

    /** Reads every part of {@code run}; {@code itemsPath}/{@code valuePath} name the incremental value, or are null. */
    public static PartTally of(BronzeWriter bronze, RunRef run, String itemsPath, String valuePath) {
        return of(bronze, bronze.partKeys(run), itemsPath, valuePath);
    }

    static PartTally of(BronzeWriter bronze, List<String> parts, String itemsPath, String valuePath) {
        Map<String, Long> counts = new TreeMap<>();
        Set<String> requestIds = new HashSet<>();
        Set<String> seen = new HashSet<>();
        Set<String> failedIds = new HashSet<>();
        // Record by record as each part streams in: a part of large bodies is never in memory whole.
        Counter c = new Counter();
        for (String part : parts) {
            bronze.forEachLine(part, BronzeRecord.class, record -> {
                c.records++;
                counts.merge(record.statusKey(), 1L, Long::sum);
                requestIds.add(record.requestId());
                if (!seen.add(record.requestId() + "#" + record.page())) {
                    c.duplicates++;
                }
                if (record.status() != null && record.status() < 400) {
                    c.succeeded++;
                }
                c.sequentialMillis += record.durationMs();
                if (record.failed()) {
                    failedIds.add(record.requestId());
                    if (record.status() == null) {
                        c.noAnswer++;
                    } else if (record.status() == 429 || record.status() >= 500) {
                        c.refused++;
                    } else {
                        c.cut++;
                    }
                }
                if (itemsPath != null && valuePath != null) {
                    c.largest = StateStore.larger(c.largest, StateStore.largest(List.of(record), itemsPath, valuePath).orElse(null));
                }
            });
        }
        return new PartTally(parts.size(), counts, requestIds.size(), c.records, c.duplicates, c.succeeded, failedIds.size(),
                c.noAnswer, c.refused, c.cut, c.sequentialMillis, c.largest);
    }

    /** The running counts of one scan. */
    private static final class Counter {
        long records;
        long duplicates;
        long succeeded;
        long noAnswer;
        long refused;
        long cut;
        long sequentialMillis;
        String largest;
    }
}
