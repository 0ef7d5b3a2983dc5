package dev.fetchfleet.aws;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Sends a chunk that made progress but ran out of time back to the chunk queue as a new message.
 * Handed back as a batch item failure instead, it would wait out the queue's visibility timeout (six
 * worker timeouts) and count towards maxReceiveCount: a long chain still moving would end in the DLQ.
 */
public final class ContinuationQueue {

    private static final Logger LOG = LoggerFactory.getLogger(ContinuationQueue.class);

    private final SqsClient sqs;
    private final String queueUrl;

    public ContinuationQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** No queue to send to: a chunk cut short is handed back, and the redrive policy counts it. */
    public static ContinuationQueue none() {
        return new ContinuationQueue(null, null);
    }

    /** SQS delays a message by 15 minutes at most. */
    static final Duration MAX_DELAY = Duration.ofMinutes(15);

    /**
     * Sends the chunk's message again, visible after {@code delay} (what is left of an API's
     * Retry-After, at most the 15 minutes SQS allows); false when there is no queue or the send failed
     * (then it is handed back).
     */
    public boolean sendAgain(String body, Duration delay) {
        if (queueUrl == null) {
            return false;
        }
        int delaySeconds = (int) Math.min(MAX_DELAY.toSeconds(), (delay.toMillis() + 999) / 1000);
        try {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).delaySeconds(delaySeconds));
            return true;
        } catch (RuntimeException e) {
            // The caller falls back to a batch item failure: nothing is lost, but the reason must be seen.
            LOG.warn("could not send the chunk again to {}; it is handed back as a failed delivery instead", queueUrl, e);
            return false;
        }
    }
}
