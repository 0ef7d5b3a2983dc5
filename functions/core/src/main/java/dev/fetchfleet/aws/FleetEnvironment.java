package dev.fetchfleet.aws;

import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.dispatch.Dispatcher;
import dev.fetchfleet.dispatch.RangeExpander;
import dev.fetchfleet.job.RequestListExpander;
import dev.fetchfleet.plan.ChunkMessages;
import dev.fetchfleet.fetch.Destinations;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.fetch.SecretReferences;
import dev.fetchfleet.work.ChunkWorker;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one place that reads the deployed fleet's environment and builds the dispatcher and the worker from it;
 * the handlers pass {@link System#getenv()}, tests a map of their own.
 */
public final class FleetEnvironment {

    public static final String BRONZE_ROOT = "BRONZE_ROOT";
    public static final String CHUNK_QUEUE_URL = "CHUNK_QUEUE_URL";
    public static final String DLQ_URL = "DLQ_URL";
    public static final String MAX_RECEIVE_COUNT = "MAX_RECEIVE_COUNT";
    public static final String WORKER_MAX_CONCURRENCY = "WORKER_MAX_CONCURRENCY";
    public static final String PRIVATE_NETWORKS = "FETCHFLEET_PRIVATE_NETWORKS";
    public static final String ENDPOINT_URL = "FETCHFLEET_ENDPOINT_URL";
    /** Set by Lambda; when absent the SDK's own region lookup applies. */
    public static final String REGION = "AWS_REGION";

    private final Map<String, String> env;
    private final Clock clock;
    private S3Client s3;
    private SqsClient sqs;

    private FleetEnvironment(Map<String, String> env, Clock clock) {
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    public static FleetEnvironment of(Map<String, String> env) {
        return new FleetEnvironment(env, Clock.systemUTC());
    }

    public static FleetEnvironment system() {
        return of(System.getenv());
    }

    /** The dispatcher: bronze at BRONZE_ROOT, chunks to CHUNK_QUEUE_URL, caps shared among WORKER_MAX_CONCURRENCY workers. */
    public Dispatcher dispatcher() {
        S3Client s3 = s3();
        return Dispatcher.create(Json.newMapper(), BronzeStores.open(required(BRONZE_ROOT), () -> s3),
                new SqsBatchSender(sqs(), required(CHUNK_QUEUE_URL)), requestsFromFiles(s3), clock, workerMaxConcurrency());
    }

    /**
     * The worker: bronze at BRONZE_ROOT, destinations as FETCHFLEET_PRIVATE_NETWORKS says; {@code secrets} comes
     * from the caller, for the stores behind header references (SSM, Secrets Manager) live in the worker module.
     */
    public ChunkWorker worker(SecretReferences.Store secrets) {
        S3Client s3 = s3();
        ChunkWorker worker = ChunkWorker.create(Json.newMapper(), BronzeStores.open(required(BRONZE_ROOT), () -> s3),
                Fetcher.newHttpClient(Duration.ofSeconds(10)), secrets, destinations(), clock);
        // A job's child chunks go where its chunks come from; without CHUNK_QUEUE_URL a chunk with children is refused.
        String queue = env.get(CHUNK_QUEUE_URL);
        return isBlank(queue) ? worker : worker.sendingChildrenTo(new SqsBatchSender(sqs(), queue));
    }

    /**
     * Range messages (fan-out dispatch) cut into chunks sent to CHUNK_QUEUE_URL, {@code requestsFrom} read as the
     * dispatcher reads it (S3 only); null when CHUNK_QUEUE_URL is not set (the worker then takes chunks only).
     */
    public RangeExpander ranges() {
        String url = env.get(CHUNK_QUEUE_URL);
        if (isBlank(url)) {
            return null;
        }
        S3Client s3 = s3();
        var mapper = Json.newMapper();
        BronzeStore store = BronzeStores.open(required(BRONZE_ROOT), () -> s3);
        return new RangeExpander(mapper, store, new RequestListExpander(mapper, requestsFromFiles(s3)),
                new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES), new SqsBatchSender(sqs(), url));
    }

    /**
     * How the deployed dispatcher reads {@code requestsFrom}: S3 only. Whoever may submit a job must not make
     * it read its own disk ({@code /proc/self/environ} holds the role's credentials).
     */
    public static S3TextFiles requestsFromFiles(S3Client s3) {
        return S3TextFiles.s3Only(() -> s3);
    }

    /** Private networks as FETCHFLEET_PRIVATE_NETWORKS says (refuse, job, allow); the job decides when unset. */
    public Destinations destinations() {
        return new Destinations(Destinations.PrivateNetworks.fromEnvironment(env.get(PRIVATE_NETWORKS)));
    }

    /** Chunks that fail their last delivery (MAX_RECEIVE_COUNT) parked in DLQ_URL with their error; none unless both are set. */
    public DeadLetterQueue deadLetters() {
        String url = env.get(DLQ_URL);
        String max = env.get(MAX_RECEIVE_COUNT);
        if (isBlank(url) || isBlank(max)) {
            return DeadLetterQueue.none();
        }
        return new DeadLetterQueue(sqs(), url, wholeNumber(MAX_RECEIVE_COUNT, max), clock);
    }

    /** Chunks the deadline cut after progress, sent again to CHUNK_QUEUE_URL; none when it is not set. */
    public ContinuationQueue continuations() {
        String url = env.get(CHUNK_QUEUE_URL);
        return isBlank(url) ? ContinuationQueue.none() : new ContinuationQueue(sqs(), url);
    }

    /** WORKER_MAX_CONCURRENCY, or 0 (unknown) when unset. */
    public int workerMaxConcurrency() {
        String value = env.get(WORKER_MAX_CONCURRENCY);
        return isBlank(value) ? 0 : wholeNumber(WORKER_MAX_CONCURRENCY, value);
    }

    /** The endpoint named by FETCHFLEET_ENDPOINT_URL (a local server), or null for AWS itself. */
    public URI endpoint() {
        String value = env.get(ENDPOINT_URL);
        return isBlank(value) ? null : URI.create(value.strip());
    }

    /** One S3 client for bronze and {@code requestsFrom} alike. */
    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = AwsClients.s3(endpoint(), region());
        }
        return s3;
    }

    /** One SQS client for chunks, continuations and dead letters alike. */
    public synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = AwsClients.sqs(endpoint(), region());
        }
        return sqs;
    }

    private Region region() {
        String value = env.get(REGION);
        return isBlank(value) ? null : Region.of(value.strip());
    }

    private String required(String name) {
        String value = env.get(name);
        if (isBlank(value)) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }

    private static int wholeNumber(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a whole number, was " + value, e);
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
