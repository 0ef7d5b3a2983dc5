package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input at the CLI's entrance: one line per problem, exit 1, never a stack trace, never a file's contents. */
class InvalidJobCliTest {

    @TempDir
    Path dir;

    private static final String OK = "\"source\": \"posts\", \"requests\": [\"http://127.0.0.1:9/1\"]";

    static Stream<Arguments> badJobs() {
        return Stream.of(
                Arguments.of("not JSON", "source = posts\n", "$: is not valid JSON (line 1, column"),
                Arguments.of("empty", "", "$: is empty; a job is one JSON object"),
                Arguments.of("not an object", "[\"http://127.0.0.1:9/1\"]", "a job must be a JSON object"),
                Arguments.of("trailing content", "{" + OK + "}\n{\"source\": \"again\"}", "has content after the job object"),
                Arguments.of("duplicate key", "{" + OK + ", \"fetch\": {\"allowLinkLocal\": false, \"allowLinkLocal\": true}}",
                        "$.fetch.allowLinkLocal: is given twice"),
                Arguments.of("nested 10,000 deep", "{" + OK + ", \"plan\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}",
                        "nested deeper than 64 levels"),
                Arguments.of("unknown reference", "{\"source\": \"posts\", \"requests\": [{\"url\": \"http://127.0.0.1:9/\", "
                        + "\"headers\": {\"X-Key\": \"{{vault:x}}\"}}]}", "$.requests[0].headers.X-Key: uses {{vault:…}}"),
                Arguments.of("unknown state", "{\"source\": \"posts\", \"requests\": [\"http://127.0.0.1:9/?since={{state:unknown}}\"]}",
                        "$.requests[0] = \"http://127.0.0.1:9/?since={{state:unknown}}\": {{state:unknown}} names no state"),
                Arguments.of("a password in a URL", "{\"source\": \"posts\", \"requests\": [\"http://u:secretpw@127.0.0.1:9/\"]}",
                        "$.requests[0] = \"http://***@127.0.0.1:9/\": holds a user name or password"),
                Arguments.of("CR LF in a header", "{\"source\": \"posts\", \"requests\": [{\"url\": \"http://127.0.0.1:9/\", "
                        + "\"headers\": {\"X-A\": \"a\\r\\nHost: evil\"}}]}", "$.requests[0].headers.X-A: holds a carriage return"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJobs")
    void refusesABadJobFileWithOneLinePerProblemAndExitOne(String what, String document, String expected) throws IOException {
        Path job = Files.writeString(dir.resolve("job.json"), document);
        Cli.Result result = Cli.run("run", job.toString(), "--bronze", dir.resolve("bronze").toString(), "--workers", "1");
        assertRefused(result, expected);
        assertFalse(Files.exists(dir.resolve("bronze").resolve("source=posts")), "nothing was written");

        Cli.Result plan = Cli.run("plan", job.toString());
        assertRefused(plan, expected.startsWith("$.requests[0] = \"http://127.0.0.1:9/?since") ? "$.requests[0]" : expected);
    }

    private static void assertRefused(Cli.Result result, String expected) {
        assertEquals(1, result.exitCode(), result.err());
        assertTrue(result.err().contains(expected), () -> "expected <" + expected + "> in:\n" + result.err());
        assertFalse(result.err().contains("\tat ") || result.err().contains("Exception"), "no stack trace:\n" + result.err());
        List<String> lines = result.err().lines().toList();
        int problems = Integer.parseInt(lines.getFirst().replaceAll("invalid job \\((\\d+) problems?\\):", "$1"));
        assertEquals(problems + 1, lines.indexOf("nothing was sent."), "one line per problem:\n" + result.err());
    }

    @Test
    void refusesAFiftyMegabyteJobFileWithItsLimit() throws IOException {
        Path job = dir.resolve("big.json");
        try (OutputStream out = Files.newOutputStream(job)) {
            out.write(("{" + OK + ", \"x\": [").getBytes(StandardCharsets.UTF_8));
            byte[] item = "\"padding padding padding\",".getBytes(StandardCharsets.UTF_8);
            for (long written = 0; written < 50L * 1024 * 1024; written += item.length) {
                out.write(item);
            }
            out.write("1]}".getBytes(StandardCharsets.UTF_8));
        }
        assertRefused(Cli.run("run", job.toString(), "--bronze", dir.resolve("bronze").toString()),
                "$: is larger than 6291456 bytes (6 MiB, Lambda's payload limit)");
    }

    @Test
    void refusesAJobFileThatIsNotARegularFile() {
        assertRefused(Cli.run("run", dir.toString(), "--bronze", dir.resolve("bronze").toString()), "is a directory");
        Cli.Result environ = Cli.run("run", "/proc/self/environ", "--bronze", dir.resolve("bronze").toString());
        assertRefused(environ, "not a regular file");
        assertNoEnvironment(environ);
    }

    @Test
    void refusesRequestsFromProcSelfEnvironWithoutPrintingTheEnvironment() throws IOException {
        Path job = Files.writeString(dir.resolve("job.json"), "{\"source\": \"posts\", \"requestsFrom\": \"/proc/self/environ\"}");
        Cli.Result result = Cli.run("run", job.toString(), "--bronze", dir.resolve("bronze").toString(), "--workers", "1");
        assertRefused(result, "$.requestsFrom = \"/proc/self/environ\": cannot be read: refused");
        assertNoEnvironment(result);
    }

    @Test
    void reportsABadRequestsFromLineByItsNumberWithoutItsText() throws IOException {
        Path requests = Files.writeString(dir.resolve("requests.jsonl"),
                "http://127.0.0.1:9/1\nAKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG\n{\"url\": \"http://127.0.0.1:9/3\", \"colour\": 1}\n");
        Path job = Files.writeString(dir.resolve("job.json"), "{\"source\": \"posts\", \"requestsFrom\": \"" + requests + "\"}");
        Cli.Result result = Cli.run("run", job.toString(), "--bronze", dir.resolve("bronze").toString(), "--workers", "1");
        assertRefused(result, "$.requestsFrom[" + requests + " line 2]: scheme must be http or https");
        assertTrue(result.err().contains("$.requestsFrom[" + requests + " line 3]: unknown field"), result.err());
        assertFalse(result.err().contains("AKIA") || result.err().contains("wJalr") || result.err().contains("colour"), result.err());
    }

    private static void assertNoEnvironment(Cli.Result result) {
        for (String name : List.of("PATH", "HOME", "JAVA_HOME")) {
            String value = System.getenv(name);
            if (value != null && value.length() > 3) {
                assertFalse(result.err().contains(value) || result.out().contains(value), name + " leaked:\n" + result.err());
            }
        }
    }
}
