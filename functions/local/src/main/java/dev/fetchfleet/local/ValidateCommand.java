package dev.fetchfleet.local;

import dev.fetchfleet.Json;
import dev.fetchfleet.dispatcher.ScheduledJobs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fetchfleet validate}: the stack's scheduled jobs checked as the deployed dispatcher would, before a deploy. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check schedule files (infrastructure/schedules/*.json: {schedule, enabled, description, job}) with the "
                + "dispatcher's own parser; exit 1 naming each file, JSON path and value. Nothing is sent.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Schedule files, or directories of them.")
    List<Path> paths;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        ScheduledJobs check = new ScheduledJobs(Json.newMapper());
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> listed = Files.list(path)) {
                    listed.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(files::add);
                }
            } else {
                files.add(path);
            }
        }
        List<String> problems = files.stream().flatMap(file -> check.problems(file).stream()).toList();
        problems.forEach(err::println);
        err.flush();
        CommandOutput.printJson(spec, Json.newMapper(), java.util.Map.of("files", files.size(), "problems", problems));
        return problems.isEmpty() ? 0 : FetchFleetCli.EXIT_INVALID_JOB;
    }
}
