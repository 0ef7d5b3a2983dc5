package dev.fetchfleet.work;

import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.Success;
import dev.fetchfleet.fetch.FetchReport;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Processes one chunk message: fetches its requests, writes its part whole, and completes the run
 * when its part was the last one missing.
 */
public final class ChunkWorker {

    private final ChunkMessages messages;
    private final Fetcher fetcher;
    private final BronzeWriter bronze;
    private final Clock clock;

    public ChunkWorker(ChunkMessages messages, Fetcher fetcher, BronzeWriter bronze, Clock clock) {
        this.messages = messages;
        this.fetcher = fetcher;
        this.bronze = bronze;
        this.clock = clock;
    }

    /** Time kept back at the end of an invocation to write the part and complete the run. */
    static final java.time.Duration WRITE_MARGIN = java.time.Duration.ofSeconds(10);

    public static ChunkWorker create(com.fasterxml.jackson.databind.ObjectMapper mapper, dev.fetchfleet.bronze.BronzeStore store,
                                     java.net.http.HttpClient http, Clock clock) {
        return new ChunkWorker(new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES),
                new Fetcher(http, mapper, clock), new BronzeWriter(store, mapper, clock), clock);
    }

    /**
     * @param invocationEnd when the invocation will be cut off; no request starts later than a
     *                      request timeout plus {@link #WRITE_MARGIN} before it
     * @throws ChunkIncompleteException when the deadline left requests unfetched; nothing is written
     */
    public ChunkResult process(String messageBody, Instant invocationEnd) {
        long start = System.nanoTime();
        Chunk chunk = messages.decode(messageBody);
        Instant startDeadline = invocationEnd.minusSeconds(chunk.fetch().timeoutSeconds()).minus(WRITE_MARGIN);
        FetchReport report = fetcher.fetchAll(chunk.run(), chunk.requests(), chunk.fetch(), startDeadline);
        if (!report.complete()) {
            throw new ChunkIncompleteException("chunk " + chunk.index() + " of run " + chunk.run().runId() + ": "
                    + report.unfinished().size() + " of " + chunk.requests().size()
                    + " requests not started before the worker's deadline; handed back for redelivery");
        }
        bronze.writePart(chunk.run(), chunk.index(), report.records());
        Optional<Success> completed = bronze.completeIfDone(chunk.run());

        Map<String, Long> counts = new TreeMap<>();
        int responded = 0;
        long totalLatency = 0;
        long maxLatency = 0;
        for (BronzeRecord record : report.records()) {
            counts.merge(record.statusKey(), 1L, Long::sum);
            if (record.status() != null) {
                responded++;
            }
            totalLatency += record.durationMs();
            maxLatency = Math.max(maxLatency, record.durationMs());
        }
        int n = report.records().size();
        return new ChunkResult(chunk.run(), chunk.index(), n, counts, responded, n - responded,
                n == 0 ? 0 : (double) totalLatency / n, maxLatency,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), completed);
    }

    public Clock clock() {
        return clock;
    }
}
