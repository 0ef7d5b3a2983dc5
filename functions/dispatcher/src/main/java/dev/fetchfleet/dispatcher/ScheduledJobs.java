package dev.fetchfleet.dispatcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.job.JobDocuments;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.JobValidationException;
import dev.fetchfleet.job.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks the scheduled jobs kept in the repository (infrastructure/schedules/*.json, each
 * {@code {"schedule", "enabled", "description", "job"}}) with the parser the deployed dispatcher runs,
 * before they are deployed: `make build-DispatcherFunction` (so `sam build`) runs it on the jar it just
 * built, and fails the build naming each file, JSON path and value. Nothing is fetched.
 */
public final class ScheduledJobs {

    private final JobParser parser;

    public ScheduledJobs(ObjectMapper mapper) {
        this.parser = new JobParser(mapper);
    }

    /** Every problem of one schedule file's job, each a line "FILE: $.job.PATH = VALUE: why"; empty when it runs. */
    public List<String> problems(Path file) {
        JsonNode schedule;
        try {
            schedule = JobDocuments.read(JobDocuments.readFile(file));
        } catch (JobValidationException e) {
            return e.problems().stream().map(p -> file + ": " + p).toList();
        }
        JsonNode job = schedule.get("job");
        if (job == null || !job.isObject()) {
            return List.of(file + ": $.job: must be the job object");
        }
        try {
            parser.parse(job);
            return List.of();
        } catch (JobValidationException e) {
            return e.problems().stream()
                    .map(p -> file + ": " + new Problem("$.job" + p.path().substring(1), p.value(), p.message()))
                    .toList();
        }
    }

    /** The *.json files of each directory given, and each file given, in name order. */
    static List<Path> files(List<Path> paths) throws IOException {
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
        return files;
    }

    /** {@code java -cp fetchfleet-dispatcher-…-lambda.jar dev.fetchfleet.dispatcher.ScheduledJobs DIR|FILE…}: exit 1 on any problem. */
    public static void main(String[] args) throws IOException {
        ScheduledJobs check = new ScheduledJobs(Json.newMapper());
        List<Path> files = files(Stream.of(args).map(Path::of).toList());
        List<String> problems = files.stream().flatMap(file -> check.problems(file).stream()).toList();
        problems.forEach(System.err::println);
        if (!problems.isEmpty()) {
            System.err.println(problems.size() + " problem(s) in the scheduled jobs; nothing deployed");
            System.exit(1);
        }
        System.out.println(files.size() + " scheduled job(s) valid");
    }
}
