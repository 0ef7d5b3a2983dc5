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
                   @JsonProperty("queued_seconds") double queuedSeconds,
                   @JsonProperty("ranges_expanded") long rangesExpanded,
                   @JsonProperty("load_average") double loadAverage) {

        /** The same figures with the machine's load (1-minute average, the largest seen before and after the cell). */
        Figures withLoad(double load) {
            return new Figures(kind, requests, chunks, maxHeapMb, dispatchSeconds, dispatchMessages, dispatchMessagesPerSecond,
                    dispatchPeakHeapMb, expandWorkers, expandSeconds, chunkMessages, chunkMessagesPerSecond, expandPeakHeapMb,
                    queuedSeconds, rangesExpanded, load);
        }
    }

    /**
     * The parent: S3 (moto_server started on loopback, or the endpoint given) and ElasticMQ (SQS) on loopback,
     * the request list, then the child JVM. {@code expandRanges}: range messages to expand (0: all of them).
     */
    static Figures run(String kind, int requests, int chunkSize, int chunksPerRange, int expandWorkers, int expandRanges,
                       String heap, URI s3Endpoint, PrintWriter err, ObjectMapper mapper) throws Exception {
        // moto on loopback takes any key; these are not credentials of anything.
        System.setProperty("aws.accessKeyId", "bench");
        System.setProperty("aws.secretAccessKey", "bench");
        System.setProperty("aws.region", "us-east-1");
        try (Moto moto = s3Endpoint == null ? Moto.start() : null; EmbeddedSqs sqs = EmbeddedSqs.start()) {
            URI endpoint = moto == null ? s3Endpoint : moto.endpoint;
            S3Client s3 = s3(endpoint);
            String bucket = "bench-dispatch";
            if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
                s3.createBucket(b -> b.bucket(bucket));
            }
            String list;
            if (kind.equals("file")) {
                String key = "inputs/requests-" + requests + ".jsonl";
                err.printf("uploading %,d lines to S3 at %s...%n", requests, endpoint);
                long bytes;
                // moto joins the parts of a 10M-line object for minutes: one long call, not retried midway.
                try (S3Client patient = patientS3(endpoint)) {
                    bytes = uploadLines(patient, bucket, key, requests);
                }
                err.printf("uploaded %,d bytes%n", bytes);
                list = "\"requestsFrom\": \"s3://" + bucket + "/" + key + "\"";
            } else {
                list = "\"template\": {\"url\": \"https://api.example.com/items/{n}\", \"values\": {\"n\": {\"from\": 1, \"to\": " + requests + "}}}";
            }
            Path job = Files.createTempFile("fetchfleet-bench-job-", ".json");
            Files.writeString(job, "{\"source\": \"bench\", \"chunkSize\": " + chunkSize + ", " + list + "}");
            String ranges = sqs.createQueue("ranges", Map.of());
            String chunks = sqs.createQueue("chunks", Map.of());
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder child = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                    FetchFleetCli.class.getName(), "bench", "dispatch-cell", "--s3", endpoint.toString(),
                    "--sqs", sqs.endpoint().toString(), "--expand-ranges", Integer.toString(expandRanges), "--bucket", bucket, "--range-queue", ranges, "--chunk-queue", chunks,
                    "--job", job.toString(), "--chunks-per-range", Integer.toString(chunksPerRange),
                    "--expand-workers", Integer.toString(expandWorkers), "--kind", kind)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            credentials(child.environment());
            err.printf("dispatching %,d requests (%s) in a JVM of -Xmx%s...%n", requests, kind, heap);
            double loadBefore = loadAverage();
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
            return mapper.readValue(last, Figures.class).withLoad(Math.max(loadBefore, loadAverage()));
        }
    }

    /** The machine's 1-minute load average (the machine is shared: a figure is read beside it). */
    static double loadAverage() {
        return round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * {@code requests} lines ({@code https://api.example.com/items/N}) to {@code key}, generated as they are
     * uploaded in 16 MiB parts of a multipart upload: neither held whole nor written to disk, at any N.
     */
    static long uploadLines(S3Client s3, String bucket, String key, int requests) {
        String upload = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        List<software.amazon.awssdk.services.s3.model.CompletedPart> parts = new ArrayList<>();
        java.io.ByteArrayOutputStream part = new java.io.ByteArrayOutputStream(PART_BYTES + 1024);
        long total = 0;
        for (int i = 1; i <= requests; i++) {
            part.writeBytes(("https://api.example.com/items/" + i + "\n").getBytes(StandardCharsets.US_ASCII));
            if (part.size() >= PART_BYTES || i == requests) {
                int number = parts.size() + 1;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(upload).partNumber(number),
                        RequestBody.fromBytes(part.toByteArray())).eTag();
                parts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(number).eTag(etag).build());
                total += part.size();
                part.reset();
            }
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(upload).multipartUpload(m -> m.parts(parts)));
        return total;
    }

    private static final int PART_BYTES = 16 << 20;

    /**
     * An S3 client that waits minutes for an answer: moto serves a ranged GET by reading the whole object first
     * (a 379 MB object for each range of a 10M-line file), which the SDK's usual timeouts do not wait for.
     */
    private static S3Client patientS3(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()
                        .socketTimeout(java.time.Duration.ofMinutes(20)))
                .overrideConfiguration(c -> c.apiCallTimeout(java.time.Duration.ofMinutes(20))
                        .retryStrategy(software.amazon.awssdk.core.retry.RetryMode.STANDARD))
                .build();
    }

    /** The child: dispatch, then expand every range message, measuring each phase. */
    static Figures cell(String kind, URI s3Endpoint, URI sqsEndpoint, String bucket, String rangeQueue, String chunkQueue,
                        Path jobFile, int chunksPerRange, int expandWorkers, int expandRanges, ObjectMapper mapper) throws Exception {
        S3Client s3 = patientS3(s3Endpoint);
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
        // Said at once: a failure while expanding (moto's ranged GETs at 10M) must not take these figures with it.
        System.err.printf("dispatcher: %.2f s, %,d messages, peak heap %d MiB%n", dispatchSeconds, dispatched.get(), dispatchPeak);

        AtomicLong chunkMessages = new AtomicLong();
        SqsBatchSender toChunks = new SqsBatchSender(sqs, chunkQueue);
        RangeExpander ranges = new RangeExpander(mapper, store, expander, messages, bodies -> {
            chunkMessages.addAndGet(bodies.size());
            return toChunks.sendAll(bodies);
        });
        long expandStart = System.nanoTime();
        AtomicLong taken = new AtomicLong();
        AtomicLong expanded = new AtomicLong();
        if (expandWorkers > 0 && dispatched.get() < result.chunksSent()) { // range messages were sent: expand them as workers would
            ExecutorService pool = Executors.newFixedThreadPool(expandWorkers);
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < expandWorkers; w++) {
                workers.add(pool.submit(() -> {
                    while (expandRanges <= 0 || taken.incrementAndGet() <= expandRanges) {
                        List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(rangeQueue).maxNumberOfMessages(1).waitTimeSeconds(1)).messages();
                        if (batch.isEmpty()) {
                            break;
                        }
                        for (Message message : batch) {
                            expanded.incrementAndGet();
                            ranges.expand(message.body());
                            sqs.deleteMessage(b -> b.queueUrl(rangeQueue).receiptHandle(message.receiptHandle()));
                        }
                    }
                    return null;
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
                round(expandSeconds > 0 ? chunkMessages.get() / expandSeconds : 0), expandPeak, round(dispatchSeconds + expandSeconds),
                expanded.get(), 0);
    }

    static double round(double value) {
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
