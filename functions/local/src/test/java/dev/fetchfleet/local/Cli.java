package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** The fetchfleet command as a user runs it: in this JVM with its output captured, or as a process a test can kill. */
final class Cli {

    private static final ObjectMapper MAPPER = Json.newMapper();

    private Cli() {}

    record Result(int exitCode, String out, String err) {

        /** The JSON summary, always the last line on stdout; null when nothing was printed. */
        JsonNode summary() throws IOException {
            List<String> lines = out.lines().toList();
            return lines.isEmpty() ? null : MAPPER.readTree(lines.getLast());
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FetchFleetCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static Result run(List<String> args) {
        return run(args.toArray(String[]::new));
    }

    /** The same command in a new JVM on this test's classpath, stdout and stderr to {@code log}. */
    static Process start(List<String> args, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                FetchFleetCli.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
