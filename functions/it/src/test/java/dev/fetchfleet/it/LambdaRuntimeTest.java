package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.it.infra.InfraCommand;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Both handlers run the way Lambda runs them: their shaded jars in a task root's lib/, loaded by AWS's
 * Java runtime interface client in a JVM of their own, which takes events from a Runtime API on loopback
 * and serializes the results itself. What the in-process handler tests cannot show: the jar is
 * complete, the handler string resolves, Lambda's serializer reads the events and writes
 * {@code SQSBatchResponse} as the SQS trigger expects.
 */
@Tag("runtime")
class LambdaRuntimeTest {

    private static final ObjectMapper MAPPER = Json.newMapper();

    @Test
    void theDispatcherAndWorkerJarsRunUnderLambdasRuntimeClientFromScheduleToSuccess(@TempDir Path dir) throws Exception {
        SqsClient sqs = LocalServers.sqs().client();
        String queue = sqs.createQueue(b -> b.queueName("ric-" + UUID.randomUUID().toString().substring(0, 8))).queueUrl();
        Path bronze = dir.resolve("bronze");
        // The test's API is on loopback, which a deployed worker refuses unless its environment allows it.
        Map<String, String> env = Map.of("BRONZE_ROOT", bronze.toString(), "CHUNK_QUEUE_URL", queue,
                "FETCHFLEET_ENDPOINT_URL", LocalServers.sqs().endpoint().toString(), "FETCHFLEET_PRIVATE_NETWORKS", "allow");

        try (SlowApi api = new SlowApi(10);
             Function dispatcher = Function.start(dir, "dispatcher", "dev.fetchfleet.dispatcher.DispatcherHandler::handleRequest", env);
             Function worker = Function.start(dir, "worker", "dev.fetchfleet.worker.WorkerHandler::handleRequest", env)) {
            ObjectNode schedule = (ObjectNode) MAPPER.readTree(Repo.file("events/schedule-event.json").toFile());
            ObjectNode job = (ObjectNode) schedule.get("detail");
            job.put("chunkSize", 10);
            ((ObjectNode) job.get("template")).put("url", api.base() + "/items/{id}");
            ((ObjectNode) job.get("template").get("values").get("id")).put("to", 25);

            LambdaRuntimeApi.Answer dispatched = dispatcher.invoke(MAPPER.writeValueAsString(schedule));

            assertFalse(dispatched.error(), dispatched.body() + "\n" + dispatcher.log());
            JsonNode answer = MAPPER.readTree(dispatched.body());
            assertEquals(3, answer.get("chunks").asInt(), dispatched.body());
            RunRef run = new RunRef(answer.get("source").asText(), answer.get("ingestDate").asText(), answer.get("runId").asText());

            List<Message> chunks = new ArrayList<>();
            while (chunks.size() < 3) {
                chunks.addAll(sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(2)).messages());
            }
            for (Message chunk : chunks) {
                LambdaRuntimeApi.Answer done = worker.invoke(sqsEvent(List.of(chunk.messageId()), List.of(chunk.body())));
                assertFalse(done.error(), done.body() + "\n" + worker.log());
                assertEquals(MAPPER.readTree("{\"batchItemFailures\": []}"), MAPPER.readTree(done.body()));
            }
            LambdaRuntimeApi.Answer poisoned = worker.invoke(sqsEvent(List.of("poison-1"), List.of("{\"not\": \"a chunk\"}")));
            assertEquals(MAPPER.readTree("{\"batchItemFailures\": [{\"itemIdentifier\": \"poison-1\"}]}"),
                    MAPPER.readTree(poisoned.body()), "the SQS trigger reads this shape to hand back only that message");
            JsonNode failureLine = worker.logLines().stream()
                    .filter(line -> line.path("message").asText().startsWith("chunk failed")).findFirst()
                    .orElseThrow(() -> new AssertionError("no failure logged:\n" + worker.logOrEmpty()));
            assertTrue(failureLine.path("failure").asText().contains("not a FetchFleet chunk message"), failureLine.toString());
            assertEquals("fetchfleet-worker", failureLine.path("function_name").asText(), "Powertools read the runtime's context");

            JsonNode destinations = worker.logLines().stream()
                    .filter(line -> line.path("message").asText().startsWith("destinations checked")).findFirst()
                    .orElseThrow(() -> new AssertionError("no destinations line logged:\n" + worker.logOrEmpty()));
            assertEquals("ALLOW", destinations.path("private_networks").asText(), destinations.toString());
            assertTrue(destinations.path("resolver_guard_active").asBoolean(),
                    "the runtime client loads the handler with its own class loader; the JVM's resolver must still find the guard: " + destinations);

            BronzeWriter written = new BronzeWriter(new LocalBronzeStore(bronze), MAPPER);
            Map<String, Integer> statusById = new HashMap<>();
            for (String part : written.partKeys(run)) {
                for (BronzeRecord record : written.readPart(part)) {
                    statusById.put(record.url(), record.status());
                }
            }
            assertEquals(25, statusById.size());
            for (int n = 1; n <= 25; n++) {
                assertEquals(SlowApi.expectedStatus(n), statusById.get(api.base() + "/items/" + n), "item " + n);
            }
            assertTrue(new RunFiles(new LocalBronzeStore(bronze), MAPPER).readSuccess(run).isPresent(), "the last chunk completed the run");
        }
    }

    /**
     * A job with children under the runtime client: the worker jar, given the chunk queue, sends the child chunks
     * a list's part makes to it, and the same jar fetches them; both levels end with their _SUCCESS, each child
     * record carrying its parent.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"elasticmq and a bronze directory", "moto's SQS and S3", "the stack deployed on moto"})
    void aJobWithChildrenRunsUnderLambdasRuntimeClientToEveryLevelsSuccess(String stores, @TempDir Path dir) throws Exception {
        SqsClient sqs;
        String queue;
        dev.fetchfleet.bronze.BronzeStore store;
        Map<String, String> env;
        Map<String, String> workerEnv = null;
        if (stores.startsWith("the stack")) {
            // infrastructure/moto-deploy.sh builds and deploys template.yaml on moto; the handlers then run with
            // each function's environment as the stack gave it, against the stack's queue and bucket.
            Fleet moto = Fleet.on(Fleet.MOTO);
            org.junit.jupiter.api.Assumptions.assumeTrue(InfraCommand.onPath("aws"), "the aws CLI is not on PATH; the stack is not deployed");
            InfraCommand.Result deploy = InfraCommand.run("moto-deploy-children", Duration.ofMinutes(25), Map.of(
                    "MOTO_PORT", Integer.toString(LocalServers.moto().endpoint().getPort()), "ENV_OUT", dir.toString(),
                    "STACK_NAME", "fetchfleet-ric-" + UUID.randomUUID().toString().substring(0, 6)), "bash", "infrastructure/moto-deploy.sh");
            assertEquals(0, deploy.exitCode(), () -> deploy.describe(60));
            Map<String, String> local = Map.of("FETCHFLEET_ENDPOINT_URL", LocalServers.moto().endpoint().toString(),
                    "FETCHFLEET_PRIVATE_NETWORKS", "allow"); // moto on loopback, and the test's API on loopback
            env = new HashMap<>(deployedEnvironment(dir.resolve("dispatcher.env.json")));
            env.putAll(local);
            workerEnv = new HashMap<>(deployedEnvironment(dir.resolve("worker.env.json")));
            workerEnv.putAll(local);
            sqs = moto.sqs;
            queue = env.get("CHUNK_QUEUE_URL");
            String bucket = java.net.URI.create(env.get("BRONZE_ROOT")).getHost();
            store = new dev.fetchfleet.aws.S3BronzeStore(moto.s3, bucket, "bronze");
        } else if (stores.startsWith("moto")) {
            // The services a deployed stack gives the handlers: a queue and a bucket on moto's server, where the
            // children's claims meet an S3 whose conditional PUT is atomic, as AWS's is.
            Fleet moto = Fleet.on(Fleet.MOTO);
            sqs = moto.sqs;
            queue = moto.queueUrl;
            store = moto.store;
            env = Map.of("BRONZE_ROOT", "s3://" + moto.bucket + "/bronze", "CHUNK_QUEUE_URL", queue,
                    "FETCHFLEET_ENDPOINT_URL", LocalServers.moto().endpoint().toString(), "FETCHFLEET_PRIVATE_NETWORKS", "allow");
        } else {
            sqs = LocalServers.sqs().client();
            queue = sqs.createQueue(b -> b.queueName("ric-children-" + UUID.randomUUID().toString().substring(0, 8))).queueUrl();
            Path bronze = dir.resolve("bronze");
            store = new LocalBronzeStore(bronze);
            env = Map.of("BRONZE_ROOT", bronze.toString(), "CHUNK_QUEUE_URL", queue,
                    "FETCHFLEET_ENDPOINT_URL", LocalServers.sqs().endpoint().toString(), "FETCHFLEET_PRIVATE_NETWORKS", "allow");
        }

        try (SlowApi api = new SlowApi(5);
             Function dispatcher = Function.start(dir, "dispatcher", "dev.fetchfleet.dispatcher.DispatcherHandler::handleRequest", env);
             Function worker = Function.start(dir, "worker", "dev.fetchfleet.worker.WorkerHandler::handleRequest",
                     workerEnv != null ? workerEnv : env)) {
            ObjectNode schedule = (ObjectNode) MAPPER.readTree(Repo.file("events/schedule-event.json").toFile());
            schedule.set("detail", MAPPER.readTree("""
                    {"source": "ric_list", "requests": ["%1$s/list?pages=3"],
                     "paginate": {"type": "cursor", "path": "next", "param": "cursor"},
                     "children": [{"source": "ric_items", "from": {"itemsPath": "items", "bind": {"id": "id"}},
                                   "request": {"url": "%1$s/items/{id}"}, "paginate": null, "chunkSize": 4}]}
                    """.formatted(api.base())));

            LambdaRuntimeApi.Answer dispatched = dispatcher.invoke(MAPPER.writeValueAsString(schedule));

            assertFalse(dispatched.error(), dispatched.body() + "\n" + dispatcher.log());
            JsonNode answer = MAPPER.readTree(dispatched.body());
            RunRef list = new RunRef("ric_list", answer.get("ingestDate").asText(), answer.get("runId").asText());
            RunRef items = new RunRef("ric_items", list.ingestDate(), list.runId());
            int invocations = 0;
            while (!(store.exists(list.successKey()) && store.exists(items.successKey()))) {
                assertTrue(invocations < 20, "every level completes within 20 invocations:\n" + worker.logOrEmpty());
                List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(2)).messages();
                for (Message chunk : messages) {
                    invocations++;
                    LambdaRuntimeApi.Answer done = worker.invoke(sqsEvent(List.of(chunk.messageId()), List.of(chunk.body())));
                    assertEquals(MAPPER.readTree("{\"batchItemFailures\": []}"), MAPPER.readTree(done.body()), worker.logOrEmpty());
                    sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(chunk.receiptHandle()));
                }
            }
            BronzeWriter written = new BronzeWriter(store, MAPPER);
            Map<Integer, Integer> statusById = new HashMap<>();
            for (String part : written.partKeys(items)) {
                for (BronzeRecord record : written.readPart(part)) {
                    assertEquals("ric_list", record.parent().source(), record.toString());
                    assertEquals(record.url(), api.base() + "/items/" + record.parent().bind().get("id"));
                    statusById.put(Integer.parseInt(record.parent().bind().get("id")), record.status());
                }
            }
            assertEquals(15, statusById.size(), "3 pages of 5 items, one child request each");
            for (int n = 1; n <= 15; n++) {
                assertEquals(SlowApi.expectedStatus(n), statusById.get(n), "item " + n);
            }
            assertEquals(4, new RunFiles(store, MAPPER).readSuccess(items).orElseThrow().chunks(), "15 children in chunks of 4");
        }
    }

    /** A function's environment variables as moto-deploy.sh wrote them (ENV_OUT). */
    private static Map<String, String> deployedEnvironment(Path json) throws IOException {
        Map<String, String> variables = new HashMap<>();
        MAPPER.readTree(json.toFile()).properties().forEach(e -> variables.put(e.getKey(), e.getValue().asText()));
        return variables;
    }

    /**
     * Cold-start figures, not a test of them (the machine is shared and noisy): each handler's init
     * (runtime client JVM start until its first poll for an event) and first and second invocation, with
     * and without the priming SnapStart runs before its snapshot (FETCHFLEET_PRIME_AT_INIT makes init
     * run it). Medians of {@code fetchfleet.coldstart.rounds} fresh JVMs each, printed and written to
     * target/coldstart.md. Run with -Dtest=LambdaRuntimeTest#coldStart* -Dfetchfleet.coldstart=true.
     * What it cannot show: a SnapStart restore (Firecracker's snapshot of the microVM), which only Lambda does.
     */
    @Test
    @EnabledIfSystemProperty(named = "fetchfleet.coldstart", matches = "true")
    void coldStartFiguresUnderTheRuntimeClientWithAndWithoutPriming(@TempDir Path dir) throws Exception {
        int rounds = Integer.getInteger("fetchfleet.coldstart.rounds", 5);
        SqsClient sqs = LocalServers.sqs().client();
        Map<String, List<long[]>> figures = new java.util.TreeMap<>();
        try (SlowApi api = new SlowApi(10)) {
            for (int round = 0; round < rounds; round++) {
                for (boolean primed : new boolean[] {false, true}) {
                    String queue = sqs.createQueue(b -> b.queueName("cold-" + UUID.randomUUID().toString().substring(0, 8))).queueUrl();
                    Path here = Files.createDirectories(dir.resolve("r" + round + (primed ? "p" : "u")));
                    Map<String, String> env = Map.of("BRONZE_ROOT", here.resolve("bronze").toString(), "CHUNK_QUEUE_URL", queue,
                            "FETCHFLEET_ENDPOINT_URL", LocalServers.sqs().endpoint().toString(), "FETCHFLEET_PRIVATE_NETWORKS", "allow",
                            "FETCHFLEET_PRIME_AT_INIT", Boolean.toString(primed));
                    ObjectNode schedule = (ObjectNode) MAPPER.readTree(Repo.file("events/schedule-event.json").toFile());
                    ObjectNode job = (ObjectNode) schedule.get("detail");
                    job.put("chunkSize", 10);
                    ((ObjectNode) job.get("template")).put("url", api.base() + "/items/{id}");
                    ((ObjectNode) job.get("template").get("values").get("id")).put("to", 20);
                    String mode = primed ? "primed" : "not primed";

                    long[] dispatcher = measure(here, "dispatcher", "dev.fetchfleet.dispatcher.DispatcherHandler::handleRequest", env,
                            List.of(MAPPER.writeValueAsString(schedule), MAPPER.writeValueAsString(schedule)));
                    figures.computeIfAbsent("dispatcher, " + mode, k -> new ArrayList<>()).add(dispatcher);
                    List<Message> chunks = new ArrayList<>();
                    while (chunks.size() < 2) {
                        chunks.addAll(sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(2)).messages());
                    }
                    long[] worker = measure(here, "worker", "dev.fetchfleet.worker.WorkerHandler::handleRequest", env,
                            List.of(sqsEvent(List.of(chunks.get(0).messageId()), List.of(chunks.get(0).body())),
                                    sqsEvent(List.of(chunks.get(1).messageId()), List.of(chunks.get(1).body()))));
                    figures.computeIfAbsent("worker, " + mode, k -> new ArrayList<>()).add(worker);
                }
            }
        }
        StringBuilder table = new StringBuilder("| function, priming | init ms | first invocation ms | init + first ms | second invocation ms |\n|---|---|---|---|---|\n");
        figures.forEach((name, runs) -> table.append("| ").append(name).append(" | ").append(median(runs, 0)).append(" | ")
                .append(median(runs, 1)).append(" | ").append(median(runs, 3)).append(" | ").append(median(runs, 2)).append(" |\n"));
        table.append("\nMedians of ").append(rounds).append(" fresh runtime-client JVMs each (").append(Runtime.version())
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs).\n");
        System.out.println(table);
        Files.writeString(Path.of("target", "coldstart.md"), table);
    }

    /** {init, first invocation, second invocation, init + first} in ms for one fresh JVM of a handler. */
    private static long[] measure(Path dir, String module, String handler, Map<String, String> env, List<String> events) throws Exception {
        long started = System.nanoTime();
        try (Function function = Function.start(dir, module, handler, env)) {
            long initEnd = function.runtime().awaitFirstPoll();
            long[] took = new long[events.size()];
            for (int i = 0; i < events.size(); i++) {
                long before = System.nanoTime();
                LambdaRuntimeApi.Answer answer = function.invoke(events.get(i));
                took[i] = (System.nanoTime() - before) / 1_000_000;
                assertFalse(answer.error(), answer.body() + "\n" + function.log());
            }
            long init = (initEnd - started) / 1_000_000;
            return new long[] {init, took[0], took[1], init + took[0]};
        }
    }

    private static long median(List<long[]> runs, int index) {
        long[] values = runs.stream().mapToLong(r -> r[index]).sorted().toArray();
        return values[values.length / 2];
    }

    /** The SQS trigger's event, shaped by the sample in events/, with these messages. */
    private static String sqsEvent(List<String> ids, List<String> bodies) throws IOException {
        ObjectNode event = (ObjectNode) MAPPER.readTree(Repo.file("events/sqs-chunk-event.json").toFile());
        ObjectNode template = (ObjectNode) event.get("Records").get(0);
        ArrayNode records = MAPPER.createArrayNode();
        for (int i = 0; i < ids.size(); i++) {
            ObjectNode record = template.deepCopy();
            record.put("messageId", ids.get(i));
            record.put("body", bodies.get(i));
            records.add(record);
        }
        event.set("Records", records);
        return MAPPER.writeValueAsString(event);
    }

    /** One function: its task root (the shaded jar in lib/), its runtime client process and its Runtime API. */
    private record Function(LambdaRuntimeApi runtime, Process process, Path logFile) implements AutoCloseable {

        static Function start(Path dir, String module, String handler, Map<String, String> env) throws IOException {
            Path taskRoot = dir.resolve(module + "-task");
            Files.createDirectories(taskRoot.resolve("lib"));
            Path jar = shadedJar(module);
            Files.copy(jar, taskRoot.resolve("lib").resolve(jar.getFileName()));
            LambdaRuntimeApi runtime = LambdaRuntimeApi.start(Duration.ofMinutes(1));
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder builder = new ProcessBuilder(java, "-cp", runtimeClasspath(),
                    "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=" + nativeClient(taskRoot),
                    "--enable-native-access=ALL-UNNAMED",
                    "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler)
                    .directory(taskRoot.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(module + ".log").toFile());
            Map<String, String> environment = builder.environment();
            environment.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("FETCHFLEET_"));
            environment.putAll(Map.of(
                    "AWS_LAMBDA_RUNTIME_API", runtime.address(),
                    "AWS_LAMBDA_FUNCTION_NAME", "fetchfleet-" + module,
                    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024",
                    "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST",
                    "AWS_REGION", "us-east-1",
                    "AWS_ACCESS_KEY_ID", "test",
                    "AWS_SECRET_ACCESS_KEY", "test",
                    "AWS_EC2_METADATA_DISABLED", "true",
                    "AWS_EMF_ENVIRONMENT", "Local",
                    "POWERTOOLS_SERVICE_NAME", "fetchfleet-" + module));
            // As template.yaml's Globals set them for both functions.
            environment.putAll(Map.of("POWERTOOLS_METRICS_NAMESPACE", "FetchFleet", "POWERTOOLS_LOG_LEVEL", "INFO"));
            environment.putAll(env);
            return new Function(runtime, builder.start(), dir.resolve(module + ".log"));
        }

        LambdaRuntimeApi.Answer invoke(String event) throws Exception {
            try {
                return runtime.invoke(event);
            } catch (TimeoutException e) {
                throw new AssertionError("no answer from the function; its log:\n" + log(), e);
            }
        }

        /** The function's JSON log lines (Powertools), skipping whatever else it printed. */
        List<JsonNode> logLines() throws IOException {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : log().lines().toList()) {
                if (line.startsWith("{")) {
                    try {
                        lines.add(MAPPER.readTree(line));
                    } catch (IOException notJson) {
                        // a line that only starts like JSON
                    }
                }
            }
            return lines;
        }

        String logOrEmpty() {
            try {
                return log();
            } catch (IOException e) {
                return "(log unreadable: " + e + ")";
            }
        }

        String log() throws IOException {
            return Files.exists(logFile) ? Files.readString(logFile) : "(no log)";
        }

        @Override
        public void close() {
            process.destroyForcibly();
            runtime.close();
        }
    }

    /** The jar the Makefile's build-<Function> target puts in the artifact's lib/. */
    private static Path shadedJar(String module) throws IOException {
        try (Stream<Path> files = Files.list(Repo.file("functions/" + module + "/target"))) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith("-lambda.jar")).toList();
            assertEquals(1, jars.size(), "one shaded jar of " + module + " (built by `package`): " + jars);
            return jars.getFirst();
        }
    }

    /**
     * The runtime client's native library, unpacked for this function alone: left to itself the client
     * unpacks it to one fixed path in /tmp, and two functions starting together then overwrite the
     * library one of them is loading (a SIGBUS in the loader).
     */
    private static Path nativeClient(Path taskRoot) throws IOException {
        String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch_64" : "x86_64";
        Path target = taskRoot.resolve(".jni").resolve("libaws-lambda-jni.so");
        Files.createDirectories(target.getParent());
        try (Stream<Path> jars = Files.list(Repo.file("functions/it/target/lambda-runtime"));
             ZipFile ric = new ZipFile(jars
                     .filter(p -> p.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client"))
                     .findFirst().orElseThrow().toFile())) {
            ZipEntry library = ric.getEntry("jni/libaws-lambda-jni.linux-" + arch + ".so");
            try (InputStream in = ric.getInputStream(library)) {
                Files.copy(in, target);
            }
        }
        return target;
    }

    /** Lambda's Java runtime libraries (target/lambda-runtime, copied by the build), as in /var/runtime/lib. */
    private static String runtimeClasspath() throws IOException {
        try (Stream<Path> jars = Files.list(Repo.file("functions/it/target/lambda-runtime"))) {
            return String.join(File.pathSeparator, jars.map(Path::toString).sorted().toList());
        }
    }
}
