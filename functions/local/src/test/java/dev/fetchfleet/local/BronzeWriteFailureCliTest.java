package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bronze that cannot be written ends a local run with exit 4 (not 1, an invalid job), the cause in one
 * line, the JSON summary still printed, and no temp files left. The full disk and the read-only directory
 * are real tmpfs mounts, which needs root; where mounting is not allowed those cases are skipped.
 */
class BronzeWriteFailureCliTest {

    @TempDir
    Path dir;

    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void unmount() throws Exception {
        for (Path mount : mounts) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
        }
    }

    private Path tmpfs(String name, String options) throws Exception {
        Path mount = Files.createDirectories(dir.resolve(name));
        int code = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", mount.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        Assumptions.assumeTrue(code == 0, "cannot mount a tmpfs here (needs root)");
        mounts.add(mount);
        return mount;
    }

    private Path job(String base, int requests) throws IOException {
        return Files.writeString(dir.resolve("job.json"), """
                {"source": "big", "chunkSize": 10,
                 "template": {"url": "%s/big/{n}", "values": {"n": {"from": 1, "to": %d}}},
                 "fetch": {"retry": {"maxAttempts": 1}}}
                """.formatted(base, requests));
    }

    private static void assertExitsWithTheCauseInOneLine(Cli.Result result, String cause) throws IOException {
        assertEquals(4, result.exitCode(), result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace:\n" + result.err());
        List<String> failed = result.err().lines().filter(l -> l.startsWith("BRONZE WRITE FAILED: ")).toList();
        assertEquals(1, failed.size(), result.err());
        assertTrue(failed.getFirst().contains(cause), result.err());
        JsonNode summary = result.summary();
        assertFalse(summary.get("complete").asBoolean(), summary.toString());
        assertTrue(summary.get("bronze_error").asText().contains(cause), summary.toString());
    }

    private static List<String> tempFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(Path::toString).filter(p -> p.contains(".tmp-")).toList();
        }
    }

    @Test
    void exitsFourWhenAFileStandsWhereTheBronzeFolderShouldBe() throws Exception {
        Path blocker = Files.writeString(dir.resolve("bronze"), "a file, not a folder");
        Cli.Result result = Cli.run("run", job("http://127.0.0.1:9", 1).toString(), "--bronze", blocker.toString(), "--workers", "1");
        assertExitsWithTheCauseInOneLine(result, "a file is in the way where a folder is needed (" + blocker + ")");
    }

    @Test
    void exitsFourWhenTheBronzeFolderIsReadOnly() throws Exception {
        Path readOnly = tmpfs("ro", "size=1m,ro");
        Cli.Result result = Cli.run("run", job("http://127.0.0.1:9", 1).toString(), "--bronze", readOnly.toString(), "--workers", "1");
        assertExitsWithTheCauseInOneLine(result, "Read-only file system");
    }

    @Test
    void exitsFourSayingNoSpaceLeftOnDeviceAndLeavesNoTempFiles() throws Exception {
        Path full = tmpfs("full", "size=2m");
        // 600 KiB of random bytes in base64 a response: three of them do not fit 2 MiB even gzipped.
        byte[] random = new byte[600 * 1024];
        new Random(7).nextBytes(random);
        byte[] body = Base64.getEncoder().encode(random);
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        api.start();
        try {
            String base = "http://127.0.0.1:" + api.getAddress().getPort();
            Cli.Result result = Cli.run("run", job(base, 6).toString(), "--bronze", full.toString(), "--workers", "1");
            assertExitsWithTheCauseInOneLine(result, "No space left on device");
            assertEquals(List.of(), tempFiles(full), "temp files would keep the disk full");
        } finally {
            api.stop(0);
        }
    }
}
