package dev.fetchfleet.aws;

import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Parks a chunk that failed on its last allowed delivery in the dead-letter queue itself, with why it
 * failed in message attributes. SQS's redrive policy would move it too, but without its error; the
 * policy stays as the backstop for workers that die before they can say anything.
 */
public final class DeadLetterQueue {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterQueue.class);

    public static final String ERROR_ATTRIBUTE = "FetchFleetError";
    public static final String FAILED_AT_ATTRIBUTE = "FetchFleetFailedAt";
    public static final String RECEIVES_ATTRIBUTE = "FetchFleetReceiveCount";
    private static final int MAX_ERROR_LENGTH = 1000;

    private final SqsClient sqs;
    private final String queueUrl;
    private final int maxReceiveCount;
    private final Clock clock;

    public DeadLetterQueue(SqsClient sqs, String queueUrl, int maxReceiveCount, Clock clock) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.maxReceiveCount = maxReceiveCount;
        this.clock = clock;
    }

    /** Nowhere to park: every failure goes back to the queue, and the redrive policy decides. */
    public static DeadLetterQueue none() {
        return new DeadLetterQueue(null, null, Integer.MAX_VALUE, Clock.systemUTC());
    }

    public boolean isLastDelivery(int receiveCount) {
        return queueUrl != null && receiveCount >= maxReceiveCount;
    }

    /** Sends the chunk's message to the DLQ with its error; false if that failed (then SQS's policy moves it). */
    public boolean park(String body, String error, int receiveCount) {
        String shortError = error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) + "…" : error;
        try {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).messageAttributes(Map.of(
                    ERROR_ATTRIBUTE, text(shortError),
                    FAILED_AT_ATTRIBUTE, text(clock.instant().toString()),
                    RECEIVES_ATTRIBUTE, MessageAttributeValue.builder().dataType("Number").stringValue(Integer.toString(receiveCount)).build())));
            return true;
        } catch (RuntimeException e) {
            // The caller falls back to a batch item failure: nothing is lost, but the reason must be seen.
            LOG.warn("could not park the chunk in the dead-letter queue {}; it is handed back, and the redrive policy parks it", queueUrl, e);
            return false;
        }
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value.isEmpty() ? "-" : value).build();
    }
}
