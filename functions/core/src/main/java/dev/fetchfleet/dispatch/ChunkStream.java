package dev.fetchfleet.dispatch;

import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.RequestListExpander;
import dev.fetchfleet.job.RequestRange;
import dev.fetchfleet.job.RequestSpec;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import dev.fetchfleet.plan.FleetLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Cuts a slice of a run's request list into its chunk messages as the requests are read, and sends them a
 * batch at a time: at most one chunk's requests and one batch of bodies are held, whatever the list's length.
 * A chunk is the same whoever cuts it (the dispatcher, or a worker expanding a range): its index and
 * requests follow from the layout and the list's order alone.
 */
final class ChunkStream {

    /** Bodies sent in one call of the queue (SQS takes ten a request; the queue splits further). */
    static final int BATCH = 100;

    private final RequestListExpander expander;
    private final ChunkMessages messages;
    private final ChunkQueue queue;

    ChunkStream(RequestListExpander expander, ChunkMessages messages, ChunkQueue queue) {
        this.expander = expander;
        this.messages = messages;
        this.queue = queue;
    }

    /**
     * Sends the chunks of {@code requests} (which starts at chunk {@code firstChunk}'s first request) that
     * {@code wanted} accepts; {@code progress} hears how many were sent after each batch. Returns how many were sent.
     */
    int send(Job job, RunRef run, FleetLayout layout, RequestRange requests, int firstChunk, IntPredicate wanted,
             java.util.function.IntConsumer progress) {
        List<RequestSpec> chunk = new ArrayList<>(layout.chunkSize());
        List<String> batch = new ArrayList<>(BATCH);
        int[] index = {firstChunk};
        int[] sent = {0};
        Runnable flush = () -> {
            if (!batch.isEmpty()) {
                queue.sendAll(List.copyOf(batch));
                sent[0] += batch.size();
                batch.clear();
                progress.accept(sent[0]);
            }
        };
        Runnable cut = () -> {
            if (wanted.test(index[0])) {
                batch.add(messages.encode(new Chunk(run, index[0], layout.chunks(), layout.lanes(), job.fetch(), chunk)
                        .withChildren(job.children())));
                if (batch.size() == BATCH) {
                    flush.run();
                }
            }
            chunk.clear();
            index[0]++;
        };
        expander.read(job, requests, request -> {
            chunk.add(request);
            if (chunk.size() == layout.chunkSize()) {
                cut.run();
            }
        });
        if (!chunk.isEmpty()) {
            cut.run();
        }
        flush.run();
        return sent[0];
    }
}
