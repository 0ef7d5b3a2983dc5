package dev.fetchfleet.run;

import com.fasterxml.jackson.annotation.JsonProperty;
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
 * What parts hold, counted: one part's in its summary ({@link PartSummary}), a run's as the sum of its
 * parts' ({@link #plus}), or counted again from the parts themselves ({@code status}, the local summary).
 *
 * @param requests        distinct request ids (a request lives in one part, so parts' counts add up)
 * @param records         lines (a paginated request has one per page)
 * @param duplicates      lines whose (request_id, page) came before: 0 unless something is wrong
 * @param succeeded       records with a status below 400
 * @param failedRequests  requests with at least one failed record ({@link BronzeRecord#failed()})
 * @param noAnswer        failed records without an answer
 * @param refused         failed records with a 5xx or 429 after their retries
 * @param cut             other failed records: a chain ended early (maxPages, a refused or malformed link)
 * @param largest         the largest incremental value among the items, when asked for (else null)
 */
public record PartTally(@JsonProperty("parts") int parts,
                        @JsonProperty("status_counts") Map<String, Long> statusCounts,
                        @JsonProperty("requests") long requests,
                        @JsonProperty("records") long records,
                        @JsonProperty("duplicates") long duplicates,
                        @JsonProperty("succeeded") long succeeded,
                        @JsonProperty("failed_requests") long failedRequests,
                        @JsonProperty("no_answer") long noAnswer,
                        @JsonProperty("refused") long refused,
                        @JsonProperty("cut") long cut,
                        @JsonProperty("sequential_millis") long sequentialMillis,
                        @JsonProperty("largest") String largest) {

    public static final PartTally NONE = new PartTally(0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, null);

    public PartTally {
        statusCounts = statusCounts == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(statusCounts));
    }

    /** Reads every part of {@code run}; {@code itemsPath}/{@code valuePath} name the incremental value, or are null. */
    public static PartTally of(BronzeWriter bronze, RunRef run, String itemsPath, String valuePath) {
        return of(bronze, bronze.partKeys(run), itemsPath, valuePath);
    }

    static PartTally of(BronzeWriter bronze, List<String> parts, String itemsPath, String valuePath) {
        PartTally sum = NONE;
        // Record by record as each part streams in: a part of large bodies is never in memory whole.
        for (String part : parts) {
            Counting counting = new Counting(itemsPath, valuePath);
            bronze.forEachLine(part, BronzeRecord.class, counting::add);
            sum = sum.plus(counting.tally());
        }
        return sum;
    }

    /** Two sets of parts together: counts add, the largest value is the larger. */
    public PartTally plus(PartTally other) {
        Map<String, Long> counts = new TreeMap<>(statusCounts);
        other.statusCounts.forEach((status, n) -> counts.merge(status, n, Long::sum));
        return new PartTally(parts + other.parts, counts, requests + other.requests, records + other.records,
                duplicates + other.duplicates, succeeded + other.succeeded, failedRequests + other.failedRequests,
                noAnswer + other.noAnswer, refused + other.refused, cut + other.cut,
                sequentialMillis + other.sequentialMillis, StateStore.larger(largest, other.largest));
    }

    /** Counts one part's records as they come (a worker's spill, a part read back); not thread-safe. */
    public static final class Counting {
        private final String itemsPath;
        private final String valuePath;
        private final Map<String, Long> counts = new TreeMap<>();
        private final Set<String> requestIds = new HashSet<>();
        private final Set<String> seen = new HashSet<>();
        private final Set<String> failedIds = new HashSet<>();
        private long records;
        private long duplicates;
        private long succeeded;
        private long noAnswer;
        private long refused;
        private long cut;
        private long sequentialMillis;
        private String largest;

        /** {@code itemsPath}/{@code valuePath} name the incremental value, or are null. */
        public Counting(String itemsPath, String valuePath) {
            this.itemsPath = itemsPath;
            this.valuePath = valuePath;
        }

        public void add(BronzeRecord record) {
            records++;
            counts.merge(record.statusKey(), 1L, Long::sum);
            requestIds.add(record.requestId());
            if (!seen.add(record.requestId() + "#" + record.page())) {
                duplicates++;
            }
            if (record.status() != null && record.status() < 400) {
                succeeded++;
            }
            sequentialMillis += record.durationMs();
            if (record.failed()) {
                failedIds.add(record.requestId());
                if (record.status() == null) {
                    noAnswer++;
                } else if (record.status() == 429 || record.status() >= 500) {
                    refused++;
                } else {
                    cut++;
                }
            }
            if (itemsPath != null && valuePath != null) {
                largest = StateStore.larger(largest, StateStore.largest(List.of(record), itemsPath, valuePath).orElse(null));
            }
        }

        /** What was added, as one part. */
        public PartTally tally() {
            return new PartTally(1, counts, requestIds.size(), records, duplicates, succeeded, failedIds.size(),
                    noAnswer, refused, cut, sequentialMillis, largest);
        }
    }
}
