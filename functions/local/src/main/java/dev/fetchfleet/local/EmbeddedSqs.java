package dev.fetchfleet.local;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** ElasticMQ in this process on a free loopback port: a real SQS protocol server for local runs and tests. */
public final class EmbeddedSqs implements AutoCloseable {

    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsClient client;

    private EmbeddedSqs(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        this.client = SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    /** A server started by {@link #startEarly()} and not yet taken by {@link #start()}. */
    private static final AtomicReference<CompletableFuture<EmbeddedSqs>> EARLY = new AtomicReference<>();

    /**
     * Starts a server now, on a thread of its own, for the next {@link #start()} to take. The CLI calls this
     * for a command that runs the fleet before it parses its command line: the server's start (a second
     * and more on two cores, mostly Pekko's class loading) is the longest step between launch and a run's
     * first request, and the parsing's quarter second is time it can use. A server nobody takes dies with
     * the process.
     */
    public static void startEarly() {
        CompletableFuture<EmbeddedSqs> starting = new CompletableFuture<>();
        if (EARLY.compareAndSet(null, starting)) {
            Thread.ofPlatform().daemon().name("embedded-sqs-early-start").start(() -> {
                try {
                    starting.complete(startNow());
                } catch (Throwable e) {
                    starting.completeExceptionally(e);
                }
            });
        }
    }

    /** The server {@link #startEarly()} started, once up, or a new one; each call returns its own server. */
    public static EmbeddedSqs start() {
        CompletableFuture<EmbeddedSqs> early = EARLY.getAndSet(null);
        if (early != null) {
            try {
                return early.join();
            } catch (CompletionException e) {
                // Started again below, so that a failure to start is reported as this call's own.
            }
        }
        return startNow();
    }

    private static EmbeddedSqs startNow() {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = server.waitUntilStarted().localAddress().getPort();
        return new EmbeddedSqs(server, URI.create("http://127.0.0.1:" + port));
    }

    public URI endpoint() {
        return endpoint;
    }

    public SqsClient client() {
        return client;
    }

    public String createQueue(String name, Map<QueueAttributeName, String> attributes) {
        return client.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    }

    public String queueArn(String queueUrl) {
        return client.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** Messages waiting plus messages received and not yet deleted. */
    public int depth(String queueUrl) {
        Map<QueueAttributeName, String> attributes = client.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }
}
