package dev.fetchfleet.it.infra;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a repository tool (cfn-lint, an infrastructure/ script) as a developer would, output to a log file. */
public final class InfraCommand {

    /** Time a script gets to run its own cleanup (stop moto, remove temp files) after a TERM. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    /** How a command ended; {@code exitCode} is -1 when it was stopped for running out of time. */
    public record Result(List<String> command, int exitCode, boolean timedOut, Duration took, Path log) {

        /** The command, its exit and the last lines of its output: enough to act on from a test report. */
        public String describe(int lines) {
            List<String> output;
            try {
                output = Files.readAllLines(log);
            } catch (IOException e) {
                output = List.of("(could not read " + log + ": " + e + ")");
            }
            List<String> tail = output.subList(Math.max(0, output.size() - lines), output.size());
            String ending = timedOut ? "did not finish and was stopped" : "exited " + exitCode;
            return String.join(" ", command) + " " + ending + " after " + took.toSeconds() + " s; last "
                    + tail.size() + " lines of " + log + ":\n" + String.join("\n", tail);
        }
    }

    private InfraCommand() {}

    /** The repository root: the nearest directory up from the working directory with pom.xml and template.yaml. */
    static Path repoRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory with pom.xml and template.yaml above " + start);
    }

    public static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code command} in the repository root with the AWS settings every local tool here must use,
     * stdout and stderr to {@code target/infra/<logName>.log} of the module under test. A command that
     * outlives {@code timeout} gets a TERM, {@link #GRACE} to clean up, then is killed with all it started.
     */
    static Result run(String logName, Duration timeout, String... command) throws IOException, InterruptedException {
        return run(logName, timeout, Map.of(), command);
    }

    /** As {@link #run(String, Duration, String...)}, with {@code extraEnv} added to the environment. */
    public static Result run(String logName, Duration timeout, Map<String, String> extraEnv, String... command)
            throws IOException, InterruptedException {
        Path log = Path.of("target", "infra", logName + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(repoRoot().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.remove("AWS_PROFILE");
        env.remove("AWS_SESSION_TOKEN");
        env.putAll(extraEnv);

        long started = System.nanoTime();
        Process process = builder.start();
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            stop(process);
            throw e;
        }
        if (!finished) {
            stop(process);
        }
        return new Result(List.of(command), finished ? process.exitValue() : -1, !finished,
                Duration.ofNanos(System.nanoTime() - started), log);
    }

    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> started = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
        }
        started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
