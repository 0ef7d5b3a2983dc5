package dev.fetchfleet.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local bronze that cannot be written says why in one line and leaves no temp file behind; concurrent
 * writers and readers of one directory never trip over each other's temp files. A full disk and a
 * read-only directory are real: small tmpfs mounts (which needs root; elsewhere those cases are skipped).
 */
class LocalBronzeWriteFailureTest {

    @TempDir
    Path dir;

    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void unmount() throws Exception {
        for (Path mount : mounts) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
        }
    }

    /** A tmpfs of {@code size} at a new directory, or the test is skipped where mounting is not allowed. */
    static Path tmpfs(Path dir, String name, String options, List<Path> mounts) throws Exception {
        Path mount = Files.createDirectories(dir.resolve(name));
        int code = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", mount.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        Assumptions.assumeTrue(code == 0, "cannot mount a tmpfs here (needs root)");
        mounts.add(mount);
        return mount;
    }

    private static List<String> leftovers(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp-")).toList();
        }
    }

    private static byte[] incompressible(int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    @Test
    void saysNoSpaceLeftOnDeviceWhenTheDiskIsFullAndLeavesNoTempFile() throws Exception {
        Path root = tmpfs(dir, "full", "size=2m", mounts);
        LocalBronzeStore store = new LocalBronzeStore(root);
        store.put("source=s/ingest_date=2026-01-01/run_id=r/_manifest.json", "{}".getBytes());

        BronzeWriteException e = assertThrows(BronzeWriteException.class,
                () -> store.put("source=s/ingest_date=2026-01-01/run_id=r/part-00000.jsonl.gz", incompressible(3 * 1024 * 1024)));
        assertTrue(e.getMessage().contains("No space left on device"), e::getMessage);
        assertTrue(e.getMessage().contains("part-00000.jsonl.gz"), e::getMessage);
        assertEquals(1, e.getMessage().lines().count());
        assertEquals(List.of(), leftovers(root), "a full disk must not stay full of temp files");
        // The space came back: a small write works again.
        store.put("source=s/ingest_date=2026-01-01/run_id=r/_SUCCESS", "{}".getBytes());

        assertThrows(BronzeWriteException.class,
                () -> store.putIfAbsent("source=s/ingest_date=2026-01-01/run_id=r/part-00001.jsonl.gz", incompressible(3 * 1024 * 1024)));
        assertEquals(List.of(), leftovers(root));
    }

    @Test
    void saysReadOnlyFileSystemForAReadOnlyDirectory() throws Exception {
        Path root = tmpfs(dir, "ro", "size=1m,ro", mounts);
        BronzeWriteException e = assertThrows(BronzeWriteException.class,
                () -> new LocalBronzeStore(root).put("source=s/ingest_date=2026-01-01/run_id=r/_manifest.json", "{}".getBytes()));
        assertTrue(e.getMessage().contains("Read-only file system"), e::getMessage);
    }

    @Test
    void saysAFileIsInTheWayWhereAFolderIsNeeded() throws IOException {
        Files.writeString(dir.resolve("source=s"), "not a folder");
        BronzeWriteException e = assertThrows(BronzeWriteException.class,
                () -> new LocalBronzeStore(dir).put("source=s/ingest_date=2026-01-01/run_id=r/_manifest.json", "{}".getBytes()));
        assertTrue(e.getMessage().contains("a file is in the way where a folder is needed"), e::getMessage);
        assertTrue(e.getMessage().contains("source=s"), e::getMessage);
    }

    @Test
    void listsWhileOtherWritersComeAndGoWithoutFailing() throws Exception {
        LocalBronzeStore store = new LocalBronzeStore(dir);
        String run = "source=s/ingest_date=2026-01-01/run_id=r/";
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 400; i++) {
                        store.put(run + "part-" + writer + "-" + (i % 20) + ".jsonl.gz", new byte[512]);
                        store.putIfAbsent(run + "_checkpoints-" + writer + "-" + i, new byte[64]);
                    }
                    return null;
                }));
            }
            Future<Integer> reader = pool.submit(() -> {
                int lists = 0;
                while (writers.stream().anyMatch(f -> !f.isDone())) {
                    store.list(run);
                    lists++;
                }
                return lists;
            });
            for (Future<?> writer : writers) {
                writer.get();
            }
            assertTrue(reader.get() > 0);
            assertEquals(4 * 20 + 4 * 400, store.list(run).size());
            assertEquals(List.of(), leftovers(dir));
        } finally {
            pool.shutdownNow();
        }
    }
}
