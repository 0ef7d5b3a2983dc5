package dev.fetchfleet.local;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.aws.AwsClients;
import dev.fetchfleet.aws.S3BronzeStore;
import dev.fetchfleet.aws.S3TextFiles;
import dev.fetchfleet.aws.SqsBatchSender;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.dispatch.ChunkQueue;
import dev.fetchfleet.dispatch.DispatchResult;
import dev.fetchfleet.dispatch.Dispatcher;
import dev.fetchfleet.dispatch.RangeExpander;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestListExpander;
import dev.fetchfleet.plan.ChunkMessages;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The dispatch benchmark: a list of N requests (a JSON Lines object on moto's S3, or a template) dispatched
 * by the real {@link Dispatcher} in a JVM of its own with the dispatcher's heap (-Xmx256m by default) to a
 * real SQS (ElasticMQ, in this process so its messages do not count), then its range messages expanded into
 * chunk messages by worker threads in that JVM, as the fleet's workers would. Prints wall time, messages per
 * second and the heap's peak for each phase.
 */
final class BenchDispatch {

    private BenchDispatch() {}

    /** What one run measured (the child JVM's last line). */
    record Figures(@JsonProperty("kind") String kind, @JsonProperty("requests") long requests,
                   @JsonProperty("chunks") int chunks, @JsonProperty("max_heap_mb") long maxHeapMb,
                   @JsonProperty("dispatch_seconds") double dispatchSeconds,
                   @JsonProperty("dispatch_messages") long dispatchMessages,
                   @JsonProperty("dispatch_messages_per_second") double dispatchMessagesPerSecond,
                   @JsonProperty("dispatch_peak_heap_mb") long dispatchPeakHeapMb,
                   @JsonProperty("expand_workers") int expandWorkers,
                   @JsonProperty("expand_seconds") double expandSeconds,
                   @JsonProperty("chunk_messages") long chunkMessages,
                   @JsonProperty("chunk_messages_per_second") double chunkMessagesPerSecond,
                   @JsonProperty("expand_peak_heap_mb") long expandPeakHeapMb,
                   @JsonProperty("queued_seconds") double queuedSeconds) {}

    /** The parent: moto (S3) and ElasticMQ (SQS) on loopback, the request list, then the child JVM. */
    static Figures run(String kind, int requests, int chunkSize, int chunksPerRange, int expandWorkers, String heap,
                       PrintWriter err, ObjectMapper mapper) throws Exception {
        // moto on loopback takes any key; these are not credentials of anything.
        System.setProperty("aws.accessKeyId", "bench");
        System.setProperty("aws.secretAccessKey", "bench");
        try (Moto moto = Moto.start(); EmbeddedSqs sqs = EmbeddedSqs.start()) {
            S3Client s3 = s3(moto.endpoint);
            String bucket = "bench-dispatch";
            s3.createBucket(b -> b.bucket(bucket));
            String list;
            if (kind.equals("file")) {
                Path file = Files.createTempFile("fetchfleet-bench-", ".jsonl");
                try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    for (int i = 1; i <= requests; i++) {
                        out.write("https://api.example.com/items/" + i + "\n");
                    }
                }
                err.printf("uploading %,d lines (%,d bytes) to moto's S3...%n", requests, Files.size(file));
                s3.putObject(b -> b.bucket(bucket).key("inputs/requests.jsonl"), RequestBody.fromFile(file));
                Files.delete(file);
                list = "\"requestsFrom\": \"s3://" + bucket + "/inputs/requests.jsonl\"";
            } else {
                list = "\"template\": {\"url\": \"https://api.example.com/items/{n}\", \"values\": {\"n\": {\"from\": 1, \"to\": " + requests + "}}}";
            }
            Path job = Files.createTempFile("fetchfleet-bench-job-", ".json");
            Files.writeString(job, "{\"source\": \"bench\", \"chunkSize\": " + chunkSize + ", " + list + "}");
            String ranges = sqs.createQueue("ranges", Map.of());
            String chunks = sqs.createQueue("chunks", Map.of());
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder child = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                    FetchFleetCli.class.getName(), "bench", "dispatch-cell", "--s3", moto.endpoint.toString(),
                    "--sqs", sqs.endpoint().toString(), "--bucket", bucket, "--range-queue", ranges, "--chunk-queue", chunks,
                    "--job", job.toString(), "--chunks-per-range", Integer.toString(chunksPerRange),
                    "--expand-workers", Integer.toString(expandWorkers), "--kind", kind)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            credentials(child.environment());
            err.printf("dispatching %,d requests (%s) in a JVM of -Xmx%s...%n", requests, kind, heap);
            Process process = child.start();
            String last = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    last = line;
                }
            }
            Files.delete(job);
            if (process.waitFor() != 0 || last == null) {
                throw new IOException("the dispatch cell failed (exit " + process.exitValue() + ")");
            }
            return mapper.readValue(last, Figures.class);
        }
    }

    /** The child: dispatch, then expand every range message, measuring each phase. */
    static Figures cell(String kind, URI s3Endpoint, URI sqsEndpoint, String bucket, String rangeQueue, String chunkQueue,
                        Path jobFile, int chunksPerRange, int expandWorkers, ObjectMapper mapper) throws Exception {
        S3Client s3 = s3(s3Endpoint);
        SqsClient sqs = AwsClients.sqs(sqsEndpoint, software.amazon.awssdk.regions.Region.US_EAST_1);
        BronzeStore store = new S3BronzeStore(s3, bucket, "bronze");
        HeapPeak peak = HeapPeak.start();
        AtomicLong dispatched = new AtomicLong();
        SqsBatchSender toRanges = new SqsBatchSender(sqs, rangeQueue);
        ChunkQueue counted = bodies -> {
            dispatched.addAndGet(bodies.size());
            return toRanges.sendAll(bodies);
        };
        RequestListExpander expander = new RequestListExpander(mapper, S3TextFiles.s3OrLocalFile(() -> s3));
        ChunkMessages messages = new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
        Dispatcher dispatcher = new Dispatcher(new JobParser(mapper), expander, new BronzeWriter(store, mapper), messages,
                counted, Clock.systemUTC(), 10, chunksPerRange);
        long start = System.nanoTime();
        DispatchResult result = dispatcher.dispatch(Files.readString(jobFile));
        double dispatchSeconds = (System.nanoTime() - start) / 1e9;
        long dispatchPeak = peak.takeMb();

        AtomicLong chunkMessages = new AtomicLong();
        SqsBatchSender toChunks = new SqsBatchSender(sqs, chunkQueue);
        RangeExpander ranges = new RangeExpander(mapper, store, expander, messages, bodies -> {
            chunkMessages.addAndGet(bodies.size());
            return toChunks.sendAll(bodies);
        });
        long expandStart = System.nanoTime();
        if (expandWorkers > 0 && dispatched.get() < result.chunksSent()) { // range messages were sent: expand them as workers would
            ExecutorService pool = Executors.newFixedThreadPool(expandWorkers);
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < expandWorkers; w++) {
                workers.add(pool.submit(() -> {
                    while (true) {
                        List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(rangeQueue).maxNumberOfMessages(1).waitTimeSeconds(1)).messages();
                        if (batch.isEmpty()) {
                            return null;
                        }
                        for (Message message : batch) {
                            ranges.expand(message.body());
                            sqs.deleteMessage(b -> b.queueUrl(rangeQueue).receiptHandle(message.receiptHandle()));
                        }
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            pool.shutdown();
        } else if (dispatched.get() == result.chunksSent()) {
            chunkMessages.set(dispatched.get()); // the dispatcher sent the chunks itself
        }
        double expandSeconds = (System.nanoTime() - expandStart) / 1e9;
        long expandPeak = peak.takeMb();
        peak.stop();
        return new Figures(kind, result.requests(), result.chunks(), Runtime.getRuntime().maxMemory() / (1 << 20),
                round(dispatchSeconds), dispatched.get(), round(dispatched.get() / dispatchSeconds), dispatchPeak,
                expandWorkers, round(expandSeconds), chunkMessages.get(),
                round(expandSeconds > 0 ? chunkMessages.get() / expandSeconds : 0), expandPeak, round(dispatchSeconds + expandSeconds));
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static S3Client s3(URI endpoint) {
        return AwsClients.s3(endpoint, software.amazon.awssdk.regions.Region.US_EAST_1);
    }

    private static void credentials(Map<String, String> env) {
        env.put("AWS_ACCESS_KEY_ID", "bench");
        env.put("AWS_SECRET_ACCESS_KEY", "bench");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
    }

    /** The heap's most used, sampled every 10 ms (what a -Xmx must hold, garbage included). */
    private static final class HeapPeak {
        private final AtomicLong peak = new AtomicLong();
        private final Thread sampler;

        private HeapPeak() {
            var memory = ManagementFactory.getMemoryMXBean();
            sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static HeapPeak start() {
            return new HeapPeak();
        }

        /** The peak since the last call, in MiB. */
        long takeMb() {
            return peak.getAndSet(0) / (1 << 20);
        }

        void stop() {
            sampler.interrupt();
        }
    }

    /** moto's server on a free loopback port, for S3. */
    record Moto(Process process, URI endpoint) implements AutoCloseable {
        static Moto start() throws IOException, InterruptedException {
            boolean installed = false;
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                installed |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, "moto_server"));
            }
            if (!installed) {
                throw new IllegalStateException("moto_server is not on PATH (pip install 'moto[server]')");
            }
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            ProcessBuilder builder = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
            Process process = builder.start();
            for (int i = 0; i < 300; i++) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return new Moto(process, URI.create("http://127.0.0.1:" + port));
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("moto_server did not listen on " + port);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
