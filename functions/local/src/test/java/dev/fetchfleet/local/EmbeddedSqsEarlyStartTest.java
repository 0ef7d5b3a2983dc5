package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server the CLI starts before it parses its command line is the one the fleet then uses, once. */
class EmbeddedSqsEarlyStartTest {

    @Test
    void the_early_server_is_taken_by_the_next_start_and_only_by_it() {
        EmbeddedSqs.startEarly();
        EmbeddedSqs.startEarly(); // a second call while one is pending starts nothing more
        try (EmbeddedSqs early = EmbeddedSqs.start(); EmbeddedSqs next = EmbeddedSqs.start()) {
            assertNotEquals(early.endpoint(), next.endpoint(), "each start returns a server of its own");
            String queue = early.createQueue("early-start", Map.of());
            early.client().sendMessage(b -> b.queueUrl(queue).messageBody("up"));
            assertEquals(1, early.depth(queue), "the early server serves SQS");
            assertEquals(0, next.client().listQueues().queueUrls().size(), "the next start is a fresh server, not the early one again");
        }
    }
}
