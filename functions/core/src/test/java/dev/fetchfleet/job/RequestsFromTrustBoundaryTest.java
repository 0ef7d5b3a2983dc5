package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.aws.S3TextFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code requestsFrom} names a file the job's author may not be allowed to read: the dispatcher reads only S3
 * in Lambda, only a regular file locally, and never echoes what the file holds.
 */
@Tag("unit")
class RequestsFromTrustBoundaryTest {

    private static final String FAKE_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    private static final String FAKE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private final ObjectMapper mapper = Json.newMapper();
    private final JobParser parser = new JobParser(mapper);
    private final RequestListExpander local = new RequestListExpander(mapper,
            S3TextFiles.s3OrLocalFile(() -> { throw new AssertionError("a local path must not go to S3"); }));

    @TempDir
    Path dir;

    private JobValidationException refused(RequestListExpander expander, String location) {
        Job job = parser.parse("{\"source\": \"posts\", \"requestsFrom\": \"" + location + "\"}");
        return assertThrows(JobValidationException.class, () -> expander.expand(job));
    }

    @Test
    void refusesProcSelfEnvironAndNeverShowsTheEnvironment() {
        JobValidationException e = refused(local, "/proc/self/environ");
        assertEquals(1, e.problems().size(), e::getMessage);
        assertTrue(e.getMessage().contains("$.requestsFrom = \"/proc/self/environ\": cannot be read: refused"), e::getMessage);
        assertTrue(e.getMessage().contains("not a regular file"), e::getMessage);
        for (String name : List.of("PATH", "HOME", "JAVA_HOME")) {
            String value = System.getenv(name);
            if (value != null && value.length() > 3) {
                assertFalse(e.getMessage().contains(value), () -> name + "'s value leaked: " + e.getMessage());
            }
        }
    }

    @Test
    void refusesASymlinkToAKernelFile() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("requests.jsonl"), Path.of("/proc/self/environ"));
        JobValidationException e = refused(local, link.toString());
        assertTrue(e.getMessage().contains("is a kernel or device file, not a regular file"), e::getMessage);
    }

    @Test
    void refusesDevicesDirectoriesAndFifos() throws Exception {
        assertTrue(refused(local, "/dev/zero").getMessage().contains("not a regular file"));
        assertTrue(refused(local, dir.toString()).getMessage().contains("is a directory"));
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        // Opening a FIFO with no writer would block for ever: the check must come before the open.
        assertTrue(refused(local, fifo.toString()).getMessage().contains("not a regular file"));
    }

    @Test
    void readsARegularFileThroughASymlink() throws IOException {
        Path file = Files.writeString(dir.resolve("real.jsonl"), "https://api.example.com/1\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), file);
        Job job = parser.parse("{\"source\": \"posts\", \"requestsFrom\": \"" + link + "\"}");
        assertEquals(1, local.expand(job).size());
    }

    @Test
    void inLambdaRefusesEveryLocalPathWithoutTouchingTheDisk() throws IOException {
        Path file = Files.writeString(dir.resolve("real.jsonl"), "https://api.example.com/1\n");
        RequestListExpander lambda = new RequestListExpander(mapper,
                S3TextFiles.s3Only(() -> { throw new AssertionError("not an s3:// URI: S3 must not be asked"); }));
        for (String location : List.of(file.toString(), "/proc/self/environ", "/etc/passwd", "file:///etc/passwd", "requests.jsonl")) {
            JobValidationException e = refused(lambda, location);
            assertTrue(e.getMessage().contains("only s3:// objects are read here"), e::getMessage);
        }
    }

    @Test
    void reportsBadLinesByNumberWithoutEchoingAFakeAwsKey() throws IOException {
        Path file = Files.writeString(dir.resolve("credentials"), String.join("\n",
                "[default]",
                "aws_access_key_id = " + FAKE_KEY_ID,
                "aws_secret_access_key=" + FAKE_SECRET,
                FAKE_KEY_ID + ":" + FAKE_SECRET,
                "{\"" + FAKE_KEY_ID + "\": \"" + FAKE_SECRET + "\"}",
                "{\"url\": \"https://api.example.com/\", \"headers\": {\"X-Key\": \"" + FAKE_SECRET + "\", \"" + FAKE_KEY_ID + "\": 1}}",
                "{\"url\": broken " + FAKE_SECRET,
                "\"" + FAKE_SECRET + "\"",
                ""), StandardCharsets.UTF_8);

        JobValidationException e = refused(local, file.toString());

        for (int line = 1; line <= 8; line++) {
            String path = "$.requestsFrom[" + file + " line " + line + "]";
            assertTrue(e.problems().stream().anyMatch(p -> p.path().startsWith(path)), () -> "no problem for " + path + ":\n" + e.getMessage());
        }
        assertTrue(e.problems().stream().allMatch(p -> p.value() == null || p.path().equals("$.requestsFrom")), e::getMessage);
        for (String secret : List.of(FAKE_KEY_ID, FAKE_SECRET, "wJalr", "default", "aws_")) {
            assertFalse(e.getMessage().contains(secret), () -> "the file's text leaked (" + secret + "):\n" + e.getMessage());
        }
        assertTrue(e.getMessage().contains("line 6].headers: "), e::getMessage);
    }

    @Test
    void stopsAtALineLongerThanTheLimitInsteadOfReadingItWhole() throws IOException {
        Path file = Files.writeString(dir.resolve("one-line"), "x".repeat(RequestListExpander.MAX_LINE_CHARS + 10));
        JobValidationException e = refused(local, file.toString());
        assertTrue(e.getMessage().contains("line 1]: is longer than " + RequestListExpander.MAX_LINE_CHARS), e::getMessage);
    }

    @Test
    void refusesADuplicateKeyOnALineByItsNumber() throws IOException {
        Path file = Files.writeString(dir.resolve("r.jsonl"),
                "https://api.example.com/1\n{\"url\": \"https://api.example.com/2\", \"url\": \"http://169.254.169.254/\"}\n");
        JobValidationException e = refused(local, file.toString());
        assertEquals(1, e.problems().size(), e::getMessage);
        assertTrue(e.getMessage().contains("line 2]: gives a key twice"), e::getMessage);
        assertFalse(e.getMessage().contains("169.254"), e::getMessage);
    }
}
