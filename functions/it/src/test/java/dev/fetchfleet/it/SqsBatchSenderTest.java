package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.aws.SqsBatchSender;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class SqsBatchSenderTest {

    private final SqsClient sqs = LocalServers.sqs().client();

    private String newQueue() {
        return sqs.createQueue(b -> b.queueName("send-" + UUID.randomUUID().toString().substring(0, 8))
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60"))).queueUrl();
    }

    private Set<String> drain(String queue) {
        Set<String> bodies = new java.util.HashSet<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            if (batch.isEmpty()) {
                return bodies;
            }
            batch.forEach(m -> bodies.add(m.body()));
        }
    }

    @Test
    void sendsInBatchesOfTenAndEveryMessageArrives() {
        String queue = newQueue();
        List<String> bodies = IntStream.range(0, 25).mapToObj(i -> "{\"chunk\":" + i + "}").toList();

        int calls = new SqsBatchSender(sqs, queue).sendAll(bodies);

        assertEquals(3, calls);
        assertEquals(Set.copyOf(bodies), drain(queue));
    }

    @Test
    void keepsEachBatchUnderTheSqsBatchSizeLimit() {
        String queue = newQueue();
        String padding = "y".repeat(60_000);
        List<String> bodies = IntStream.range(0, 12).mapToObj(i -> i + padding).toList();

        int calls = new SqsBatchSender(sqs, queue).sendAll(bodies);

        assertTrue(calls >= 3, "12 messages of 60 KB need at least 3 batches under 256 KiB, made " + calls);
        assertEquals(bodies.stream().map(b -> b.substring(0, 2)).collect(Collectors.toSet()),
                drain(queue).stream().map(b -> b.substring(0, 2)).collect(Collectors.toSet()));
    }

    @Test
    void aQueueThatDoesNotExistIsAnErrorNotADrop() {
        String missing = LocalServers.sqs().endpoint() + "/000000000000/no-such-queue";
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SqsBatchSender(sqs, missing, 2, 1).sendAll(List.of("{}")));
        assertTrue(e.getMessage().contains("not sent"), e.getMessage());
    }
}
