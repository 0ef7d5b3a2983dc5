package dev.fetchfleet.it;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.aws.S3BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.dispatch.ChunkQueue;
import dev.fetchfleet.dispatch.Dispatcher;
import dev.fetchfleet.dispatch.RangeExpander;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestListExpander;
import dev.fetchfleet.plan.ChunkMessages;
import dev.fetchfleet.dispatcher.DispatcherHandler;
import dev.fetchfleet.aws.SqsBatchSender;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.work.ChunkWorker;
import dev.fetchfleet.worker.WorkerHandler;
import dev.fetchfleet.worker.WorkerMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One test's deployment on local servers: a fresh bucket and queue, and the two handlers built the way
 * Lambda builds them, only with clients pointed at loopback.
 */
final class Fleet {

    final ObjectMapper mapper = Json.newMapper();
    final S3Client s3;
    final SqsClient sqs;
    final String bucket;
    final String queueUrl;
    final BronzeStore store;
    final DispatcherHandler dispatcher;
    final WorkerHandler worker;

    Fleet(S3Client s3, SqsClient sqs, String bucket, String prefix) {
        this.s3 = s3;
        this.sqs = sqs;
        this.bucket = bucket;
        this.queueUrl = sqs.createQueue(b -> b.queueName("chunks-" + UUID.randomUUID().toString().substring(0, 8))
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60"))).queueUrl();
        this.store = new S3BronzeStore(s3, bucket, prefix);
        Clock clock = Clock.systemUTC();
        this.dispatcher = new DispatcherHandler(Dispatcher.create(mapper, store, new SqsBatchSender(sqs, queueUrl),
                DispatcherHandler.requestsFromFiles(s3), clock, 0));
        this.worker = new WorkerHandler(ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(5)), clock),
                WorkerMetrics.none(), clock, dev.fetchfleet.aws.DeadLetterQueue.none(), dev.fetchfleet.aws.ContinuationQueue.none(),
                new RangeExpander(mapper, store, new RequestListExpander(mapper, DispatcherHandler.requestsFromFiles(s3)),
                        new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES), new SqsBatchSender(sqs, queueUrl)));
    }

    /** A dispatcher sending to {@code queue}, which sends range messages of {@code chunksPerRange} chunks above that many. */
    Dispatcher dispatcher(ChunkQueue queue, int chunksPerRange) {
        return dispatcher(queue, chunksPerRange, Clock.systemUTC());
    }

    /** The same, on {@code clock}: a run started at another time than now. */
    Dispatcher dispatcher(ChunkQueue queue, int chunksPerRange, Clock clock) {
        return new Dispatcher(new JobParser(mapper), new RequestListExpander(mapper, DispatcherHandler.requestsFromFiles(s3)),
                new BronzeWriter(store, mapper), new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES),
                queue, clock, 0, chunksPerRange);
    }

    /** This fleet's chunk queue, as the deployed dispatcher sends to it. */
    ChunkQueue queue() {
        return new SqsBatchSender(sqs, queueUrl);
    }

    static Fleet onLocalServers() {
        return new Fleet(LocalServers.s3(), LocalServers.sqs().client(), LocalServers.newBucket(), "bronze");
    }

    /** The stores the delivery tests run against: ElasticMQ with S3Mock always, moto's server where installed. */
    static final String ELASTICMQ_S3MOCK = "elasticmq+s3mock";
    static final String MOTO = "moto";

    static Fleet on(String stores) {
        if (stores.equals(ELASTICMQ_S3MOCK)) {
            return onLocalServers();
        }
        MotoServer moto = LocalServers.moto();
        org.junit.jupiter.api.Assumptions.assumeTrue(moto != null, "moto_server is not on PATH; the moto run is skipped");
        var credentials = software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test"));
        S3Client s3 = S3Client.builder().endpointOverride(moto.endpoint()).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).credentialsProvider(credentials)
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build();
        SqsClient sqs = SqsClient.builder().endpointOverride(moto.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).credentialsProvider(credentials)
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build();
        String bucket = "bronze-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
        return new Fleet(s3, sqs, bucket, "bronze");
    }

    /** Invokes the dispatcher handler with an event document; returns its JSON answer. */
    String dispatch(String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        dispatcher.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
                new TestContext("fetchfleet-dispatcher", 300_000));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Everything on the queue, received (and left in flight). */
    List<Message> receiveAll() {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
    }

    /** The SQS event Lambda would deliver for these messages, shaped by the sample in events/. */
    static SQSEvent sqsEvent(List<Message> messages) {
        SQSEvent sample = EventLoader.loadSQSEvent(Repo.file("events/sqs-chunk-event.json").toString());
        SQSEvent.SQSMessage template = sample.getRecords().getFirst();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message message : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setAttributes(template.getAttributes());
            record.setEventSource(template.getEventSource());
            record.setEventSourceArn(template.getEventSourceArn());
            record.setAwsRegion(template.getAwsRegion());
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    List<String> keys(String prefix) {
        return store.list(prefix);
    }
}
