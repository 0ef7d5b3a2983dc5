package dev.fetchfleet.local;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * kill -9 of a local run while its dispatcher is sending (its {@code _dispatch.json} says "not finished"),
 * then the same command with the same run id, killed again once workers have written some parts and not all
 * ranges are cut, then once more to the end: every request of the {@code requestsFrom} file must be in bronze
 * exactly once. The runs are real processes ({@code fetchfleet run}) on a loopback API in this JVM that answers
 * at once; the test at tens of thousands of requests and {@code bench dispatch-kill} at a million run this.
 */
final class BenchDispatchKill {

    private BenchDispatchKill() {}

    /** What the three processes did, and what bronze holds at the end. */
    record Outcome(@JsonProperty("requests") int requests, @JsonProperty("chunks") int chunks,
                   @JsonProperty("ranges") int ranges,
                   @JsonProperty("first_killed_after_seconds") double firstKilledAfterSeconds,
                   @JsonProperty("first_killed_mid_dispatch") boolean firstKilledMidDispatch,
                   @JsonProperty("chunks_sent_at_first_kill") int chunksSentAtFirstKill,
                   @JsonProperty("ranges_sent_at_first_kill") int rangesSentAtFirstKill,
                   @JsonProperty("parts_at_first_kill") int partsAtFirstKill,
                   @JsonProperty("second_killed_after_seconds") double secondKilledAfterSeconds,
                   @JsonProperty("parts_at_second_kill") int partsAtSecondKill,
                   @JsonProperty("ranges_cut_at_second_kill") int rangesCutAtSecondKill,
                   @JsonProperty("last_run_chunks_sent") int lastRunChunksSent,
                   @JsonProperty("last_run_chunks_already_done") int lastRunChunksAlreadyDone,
                   @JsonProperty("last_run_seconds") double lastRunSeconds,
                   @JsonProperty("last_run_exit") int lastRunExit,
                   @JsonProperty("total_seconds") double totalSeconds,
                   @JsonProperty("records") long records,
                   @JsonProperty("missing") long missing,
                   @JsonProperty("twice") long twice,
                   @JsonProperty("api_calls") long apiCalls,
                   @JsonProperty("load_average") double loadAverage) {

        boolean exactlyOnce() {
            return lastRunExit == 0 && missing == 0 && twice == 0 && records == requests;
        }
    }

    /**
     * {@code requests} URLs in chunks of {@code chunkSize}, ranges of {@code chunksPerRange} chunks, {@code workers}
     * pollers, each process with {@code -Xmx heap}; the second kill after {@code secondKillParts} parts (0: no second kill).
     */
    static Outcome run(Path dir, int requests, int chunkSize, int chunksPerRange, int workers, String heap, int secondKillParts,
                       PrintWriter err, ObjectMapper mapper) throws Exception {
        long start = System.nanoTime();
        double load = BenchDispatch.loadAverage();
        Files.createDirectories(dir);
        try (Api api = Api.start()) {
            Path list = dir.resolve("requests.jsonl");
            try (BufferedWriter out = Files.newBufferedWriter(list, StandardCharsets.UTF_8)) {
                for (int i = 1; i <= requests; i++) {
                    out.write(api.base() + "/items/" + i + "\n");
                }
            }
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "dispatchkill", "chunkSize": %d, "requestsFrom": "%s",
                     "fetch": {"perHost": {"maxConcurrency": 100, "requestsPerSecond": 100000}}}
                    """.formatted(chunkSize, list.toAbsolutePath()));
            Path bronze = dir.resolve("bronze");
            String runId = "dispatch-kill-" + requests;
            List<String> args = List.of("run", job.toString(), "--bronze", bronze.toString(), "--run-id", runId,
                    "--workers", Integer.toString(workers), "--chunks-per-range", Integer.toString(chunksPerRange), "--json");

            // 1: killed while the dispatcher sends (it has said so in _dispatch.json, and not yet that it finished).
            Process first = start(args, heap, dir.resolve("first.log"));
            Optional<JsonNode> progress = Optional.empty();
            Optional<Path> runDir = Optional.empty();
            while (first.isAlive() && progress.isEmpty()) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000); // the sending may last well under a second
                runDir = runDir.isPresent() ? runDir : runDir(bronze, runId);
                progress = dispatchProgress(runDir, mapper);
            }
            first.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
            double firstKilled = seconds(start);
            first.waitFor(60, TimeUnit.SECONDS);
            JsonNode atKill = dispatchProgress(runDir(bronze, runId), mapper).orElse(progress.orElse(null));
            boolean midDispatch = atKill != null && !atKill.path("finished").asBoolean();
            int partsAtFirstKill = parts(bronze).size();
            err.printf("first run killed after %.1f s: %s, %,d parts%n", firstKilled, atKill, partsAtFirstKill);

            // 2: killed once workers have written some parts of the resumed run, and ranges are still being cut.
            double secondKilled = 0;
            int partsAtSecondKill = 0;
            int rangesCut = 0;
            if (secondKillParts > 0) {
                Process second = start(args, heap, dir.resolve("second.log"));
                while (second.isAlive() && parts(bronze).size() < secondKillParts) {
                    Thread.sleep(20);
                }
                second.destroyForcibly();
                secondKilled = seconds(start);
                second.waitFor(60, TimeUnit.SECONDS);
                partsAtSecondKill = parts(bronze).size();
                rangesCut = rangesCut(bronze, runId);
                err.printf("second run killed after %.1f s: %,d parts, %,d ranges cut%n", secondKilled, partsAtSecondKill, rangesCut);
            }

            // 3: to the end.
            long lastStart = System.nanoTime();
            Path lastLog = dir.resolve("last.log");
            Process last = start(args, heap, lastLog);
            int exit = last.waitFor();
            double lastSeconds = seconds(lastStart);
            JsonNode dispatched = dispatchedEvent(lastLog, mapper);
            err.printf("last run: exit %d after %.1f s%n", exit, lastSeconds);

            // Every request once: count each item's records in every part.
            byte[] seen = new byte[requests + 1];
            long records = 0;
            long twice = 0;
            for (Path part : parts(bronze)) {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(part), 1 << 16), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        String url = mapper.readTree(line).get("url").asText();
                        int n = Integer.parseInt(url.substring(url.lastIndexOf('/') + 1));
                        records++;
                        if (seen[n]++ == 1) {
                            twice++;
                        }
                    }
                }
            }
            long missing = 0;
            for (int n = 1; n <= requests; n++) {
                missing += seen[n] == 0 ? 1 : 0;
            }
            // The layout may have cut smaller chunks than the job's chunkSize (to give every lane work): the manifest says.
            int chunks = runDir(bronze, runId).map(run -> run.resolve("_manifest.json")).map(file -> {
                try {
                    return mapper.readTree(file.toFile()).path("chunks").asInt();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).orElse(0);
            return new Outcome(requests, chunks, chunks > chunksPerRange ? (chunks + chunksPerRange - 1) / chunksPerRange : 0,
                    firstKilled, midDispatch, atKill == null ? 0 : atKill.path("chunks_sent").asInt(),
                    atKill == null ? 0 : atKill.path("ranges_sent").asInt(), partsAtFirstKill, secondKilled, partsAtSecondKill,
                    rangesCut, dispatched.path("chunksSent").asInt(-1), dispatched.path("chunksAlreadyDone").asInt(-1),
                    BenchDispatch.round(lastSeconds), exit, BenchDispatch.round(seconds(start)), records, missing, twice,
                    api.calls.get(), Math.max(load, BenchDispatch.loadAverage()));
        }
    }

    private static double seconds(long since) {
        return BenchDispatch.round((System.nanoTime() - since) / 1e9);
    }

    private static Process start(List<String> args, String heap, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                FetchFleetCli.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        return builder.start();
    }

    /** The run's {@code _dispatch.json} once the dispatcher has written it (a file read whole or not at all). */
    private static Optional<JsonNode> dispatchProgress(Optional<Path> runDir, ObjectMapper mapper) {
        return runDir.map(run -> run.resolve("_dispatch.json")).filter(Files::exists).flatMap(file -> {
            try {
                return Optional.ofNullable(mapper.readTree(Files.readAllBytes(file))).filter(node -> node.has("finished"));
            } catch (IOException notWhole) {
                return Optional.empty();
            }
        });
    }

    private static Optional<Path> runDir(Path bronze, String runId) {
        Path source = bronze.resolve("source=dispatchkill");
        if (!Files.isDirectory(source)) {
            return Optional.empty();
        }
        try (Stream<Path> dates = Files.list(source)) {
            return dates.map(date -> date.resolve("run_id=" + runId)).filter(Files::isDirectory).findFirst();
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    private static int rangesCut(Path bronze, String runId) throws IOException {
        Path chunks = bronze.resolve("_chunks/source=dispatchkill");
        if (!Files.isDirectory(chunks)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(chunks)) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(".sent")).count();
        }
    }

    private static List<Path> parts(Path bronze) throws IOException {
        Path source = bronze.resolve("source=dispatchkill");
        if (!Files.isDirectory(source)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(source)) {
            return files.filter(f -> f.getFileName().toString().matches("part-\\d+\\.jsonl\\.gz")).toList();
        } catch (java.io.UncheckedIOException movedMidWalk) {
            return parts(bronze); // a part renamed into place while walking: walk again
        }
    }

    /** The last run's dispatch result: its {@code dispatched} event (--json). */
    private static JsonNode dispatchedEvent(Path log, ObjectMapper mapper) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("{\"event\":\"dispatched\"")) {
                    return mapper.readTree(line);
                }
            }
        }
        return mapper.createObjectNode();
    }

    /** The API: {@code /items/N} answered at once, every call counted. */
    private record Api(HttpServer server, AtomicLong calls) implements AutoCloseable {
        static Api start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            AtomicLong calls = new AtomicLong();
            server.createContext("/", exchange -> answer(exchange, calls));
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return new Api(server, calls);
        }

        private static void answer(HttpExchange exchange, AtomicLong calls) throws IOException {
            try (exchange) {
                calls.incrementAndGet();
                byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        }

        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
