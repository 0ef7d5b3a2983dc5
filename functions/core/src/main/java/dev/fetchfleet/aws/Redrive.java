package dev.fetchfleet.aws;

import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Moves dead-lettered chunks back to the chunk queue: with SQS's own StartMessageMoveTask where the
 * service offers it, else by receiving from the DLQ, sending to the queue and only then deleting, so
 * a failure midway duplicates a chunk (harmless: a chunk with a part is not fetched again) but never
 * loses one. Our DLQ attributes are left behind: the chunk starts afresh.
 */
public final class Redrive {

    /** How a redrive went: by the service's move task (count is then the DLQ depth at the start) or by hand. */
    public record Result(boolean moveTask, int messages) {}

    private final SqsClient sqs;

    public Redrive(SqsClient sqs) {
        this.sqs = sqs;
    }

    public Result run(String dlqUrl, String queueUrl) {
        int depth = Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
        try {
            String source = arn(dlqUrl);
            String destination = arn(queueUrl);
            sqs.startMessageMoveTask(b -> b.sourceArn(source).destinationArn(destination));
            return new Result(true, depth);
        } catch (SqsException | UnsupportedOperationException e) {
            return new Result(false, moveByHand(dlqUrl, queueUrl));
        }
    }

    private String arn(String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private int moveByHand(String dlqUrl, String queueUrl) {
        int moved = 0;
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(dlqUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(60)).messages();
            if (batch.isEmpty()) {
                return moved;
            }
            List<SendMessageBatchRequestEntry> entries = batch.stream().map(m ->
                    SendMessageBatchRequestEntry.builder().id(m.messageId()).messageBody(m.body()).build()).toList();
            var sent = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            List<DeleteMessageBatchRequestEntry> delete = batch.stream()
                    .filter(m -> sent.successful().stream().anyMatch(ok -> ok.id().equals(m.messageId())))
                    .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build())
                    .toList();
            if (!delete.isEmpty()) {
                sqs.deleteMessageBatch(b -> b.queueUrl(dlqUrl).entries(delete));
            }
            moved += delete.size();
        }
    }
}
