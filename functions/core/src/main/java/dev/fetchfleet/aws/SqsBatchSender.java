package dev.fetchfleet.aws;

import dev.fetchfleet.dispatch.ChunkQueue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends message bodies to a queue with SendMessageBatch: at most ten entries and 256 KiB a batch.
 * Entries SQS reports as failed are sent again with backoff; what still fails is an exception that
 * names how many were not sent, never a silent drop.
 */
public final class SqsBatchSender implements ChunkQueue {

    static final int MAX_ENTRIES = 10;
    static final int MAX_BATCH_BYTES = 256 * 1024;

    private final SqsClient sqs;
    private final String queueUrl;
    private final int maxAttempts;
    private final long baseDelayMillis;

    public SqsBatchSender(SqsClient sqs, String queueUrl) {
        this(sqs, queueUrl, 6, 100);
    }

    public SqsBatchSender(SqsClient sqs, String queueUrl, int maxAttempts, long baseDelayMillis) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.maxAttempts = maxAttempts;
        this.baseDelayMillis = baseDelayMillis;
    }

    /** Sends every body; returns the number of SendMessageBatch calls made. */
    @Override
    public int sendAll(List<String> bodies) {
        int calls = 0;
        for (List<Integer> batch : batches(bodies)) {
            calls += sendBatch(bodies, batch);
        }
        return calls;
    }

    private List<List<Integer>> batches(List<String> bodies) {
        List<List<Integer>> batches = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        int bytes = 0;
        for (int i = 0; i < bodies.size(); i++) {
            int size = bodies.get(i).getBytes(StandardCharsets.UTF_8).length;
            if (!current.isEmpty() && (current.size() == MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(i);
            bytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    private int sendBatch(List<String> bodies, List<Integer> batch) {
        Map<String, Integer> pending = new LinkedHashMap<>();
        batch.forEach(i -> pending.put("m" + i, i));
        int calls = 0;
        String lastError = null;
        for (int attempt = 1; attempt <= maxAttempts && !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                sleep(attempt);
            }
            List<SendMessageBatchRequestEntry> entries = pending.entrySet().stream()
                    .map(e -> SendMessageBatchRequestEntry.builder().id(e.getKey()).messageBody(bodies.get(e.getValue())).build())
                    .toList();
            calls++;
            SendMessageBatchResponse response;
            try {
                response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            } catch (RuntimeException e) {
                lastError = e.toString();
                continue; // the whole batch is still pending
            }
            response.successful().forEach(ok -> pending.remove(ok.id()));
            for (BatchResultErrorEntry failed : response.failed()) {
                lastError = failed.code() + ": " + failed.message();
                if (failed.senderFault()) {
                    throw new IllegalStateException("SQS refused a chunk message (not retryable): " + lastError);
                }
            }
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException(pending.size() + " chunk messages not sent to " + queueUrl
                    + " after " + maxAttempts + " attempts; last error: " + lastError);
        }
        return calls;
    }

    private void sleep(int attempt) {
        long cap = baseDelayMillis << Math.min(attempt - 1, 10);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending chunk messages", e);
        }
    }
}
