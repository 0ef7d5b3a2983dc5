package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fetchfleet validate} checks a directory of schedule files before a deploy, as CI would run it. */
class ValidateCommandTest {

    @Test
    void validateExitsOneNamingTheFileAndJsonPathOfTheBadJobAndPassesTheGoodOne(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("good.json"), """
                {"schedule": "rate(1 hour)", "job": {"source": "good", "requests": [{"url": "https://api.example.com/a"}]}}
                """);
        Files.writeString(dir.resolve("bad.json"), """
                {"schedule": "rate(1 hour)", "job": {"source": "Bad Source", "requests": [{"url": "https://api.example.com/b"}]}}
                """);

        Cli.Result result = Cli.run("validate", dir.toString());

        assertEquals(FetchFleetCli.EXIT_INVALID_JOB, result.exitCode(), result.err());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith(dir.resolve("bad.json") + ": $.job.source = "), result.err());
        assertTrue(result.err().contains("Bad Source"), result.err());
        assertEquals(2, result.summary().get("files").asInt());

        Files.delete(dir.resolve("bad.json"));
        assertEquals(0, Cli.run("validate", dir.toString()).exitCode());
    }
}
