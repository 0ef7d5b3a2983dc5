package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.aws.ContinuationQueue;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** A chunk cut short goes on in a new message on a real SQS (ElasticMQ), after what is left of an API's Retry-After. */
class ContinuationQueueTest {

    private final SqsClient sqs = LocalServers.sqs().client();
    private final String queue = sqs.createQueue(b -> b.queueName("continue-" + UUID.randomUUID().toString().substring(0, 8))).queueUrl();

    private List<Message> receive(int waitSeconds) {
        return sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)).messages();
    }

    @Test
    void sendsTheChunkAgainVisibleOnlyAfterTheApisPause() {
        assertTrue(new ContinuationQueue(sqs, queue).sendAgain("{\"chunk\": 7}", Duration.ofMillis(2_100)));

        assertEquals(List.of(), receive(1), "not before the pause is over");
        List<Message> later = receive(5);
        assertEquals(1, later.size());
        assertEquals("{\"chunk\": 7}", later.getFirst().body());
    }

    @Test
    void withoutAQueueItSaysSoAndTheChunkIsHandedBackInstead() {
        assertFalse(ContinuationQueue.none().sendAgain("{}", Duration.ZERO));
    }
}
