package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import dev.fetchfleet.dispatcher.ScheduledJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs a stack schedules are checked by the dispatcher's own parser before they deploy. */
class ScheduledJobsTest {

    private final ScheduledJobs check = new ScheduledJobs(Json.newMapper());

    @Test
    void everyScheduledJobInTheRepositoryIsValid() throws Exception {
        List<Path> files;
        try (Stream<Path> listed = Files.list(Repo.file("infrastructure/schedules"))) {
            files = listed.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertTrue(!files.isEmpty(), "the example schedule is there");
        for (Path file : files) {
            assertEquals(List.of(), check.problems(file), file.toString());
        }
    }

    @Test
    void aScheduledJobWithABadFieldIsRefusedNamingTheFileTheJsonPathAndTheValue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("posts.json");
        Files.writeString(file, """
                {"schedule": "rate(1 hour)", "enabled": true,
                 "job": {"source": "posts", "requests": [{"url": "ftp://api.example.com/posts"}], "chunkSize": 0}}
                """);

        List<String> problems = check.problems(file);

        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.stream().allMatch(p -> p.startsWith(file + ": $.job.")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(file + ": $.job.requests[0].url = \"ftp://api.example.com/posts\"")),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(file + ": $.job.chunkSize = 0")), problems.toString());
    }
}
