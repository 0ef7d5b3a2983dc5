package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo API in a JVM of its own, so that a benchmark's heap and RSS figures are the fleet's alone;
 * the API reports what it saw (peak in flight, peak starts per second) on {@code /_stats}.
 */
final class ApiProcess implements AutoCloseable {

    /**
     * Calls the API answers to itself before it serves a benchmark: enough for its JIT to compile what a
     * call runs (C1 compiles a method after some hundreds of calls), a few rounds of the latency.
     */
    private static final int WARM_UP_CALLS = 3_000;

    private static final Pattern SERVING = Pattern.compile("demo API serving (http://127\\.0\\.0\\.1:\\d+)");

    private final Process process;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper mapper;

    private ApiProcess(Process process, URI base, ObjectMapper mapper) {
        this.process = process;
        this.base = base;
        this.mapper = mapper;
    }

    static ApiProcess start(Duration latency, ObjectMapper mapper) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jitAndCollector(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FetchFleetCli.class.getName(), "demo-api", "--port", "0", "--latency-ms", Long.toString(latency.toMillis()),
                "--failure-rate", "0", "--warm-up", Integer.toString(WARM_UP_CALLS)));
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = err.readLine()) != null) {
            Matcher m = SERVING.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> drain(err));
                return new ApiProcess(process, URI.create(m.group(1)), mapper);
            }
        }
        process.destroyForcibly();
        throw new IOException("the demo API process ended before serving (exit " + process.exitValue() + ")");
    }

    /**
     * The JIT and collector flags this JVM was started with (the launcher's, see infrastructure/fetchfleet),
     * for the API's JVM too: the two share the machine's cores, and the API stands in for one that runs on
     * machines of its own, so the less of them it takes, the closer the fleet's figures are to the fleet's.
     */
    static List<String> jitAndCollector(List<String> jvmArguments) {
        return jvmArguments.stream().filter(JIT_OR_COLLECTOR.asMatchPredicate()).toList();
    }

    private static final Pattern JIT_OR_COLLECTOR = Pattern.compile(
            "-XX:(TieredStopAtLevel=\\d|[+-]TieredCompilation|CICompilerCount=\\d+|[+-]Use\\w+GC)");

    private static void drain(BufferedReader reader) {
        try {
            while (reader.readLine() != null) {
                // keep the pipe empty so the API never blocks on stderr
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    URI base() {
        return base;
    }

    JsonNode stats() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/_stats")).build(),
                HttpResponse.BodyHandlers.ofString());
        return mapper.readTree(response.body());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
