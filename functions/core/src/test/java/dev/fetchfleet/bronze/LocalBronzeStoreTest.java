package dev.fetchfleet.bronze;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class LocalBronzeStoreTest {

    @TempDir
    Path root;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> filesUnderRoot() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    @Test
    void putThenGetGivesTheSameBytesAtTheKeyPath() throws IOException {
        LocalBronzeStore store = new LocalBronzeStore(root);
        store.put("source=posts/ingest_date=2026-03-01/run_id=r1/part-00000.jsonl.gz", bytes("hello"));

        assertArrayEquals(bytes("hello"), store.get("source=posts/ingest_date=2026-03-01/run_id=r1/part-00000.jsonl.gz").orElseThrow());
        assertEquals("hello", Files.readString(root.resolve("source=posts/ingest_date=2026-03-01/run_id=r1/part-00000.jsonl.gz")));
        assertEquals(List.of("source=posts/ingest_date=2026-03-01/run_id=r1/part-00000.jsonl.gz"), filesUnderRoot(),
                "no temporary file is left behind");
    }

    private static Upload upload(String text) {
        byte[] bytes = bytes(text);
        return new Upload(bytes.length, () -> new java.io.ByteArrayInputStream(bytes));
    }

    @Test
    void anObjectKeepsItsMetadataAndTheFirstWriterOfAKeyKeepsItsOwn() {
        LocalBronzeStore store = new LocalBronzeStore(root);
        String key = "source=posts/ingest_date=2026-03-01/run_id=r1/part-00000.jsonl.gz";
        assertTrue(store.keepsMetadata());
        assertTrue(store.putIfAbsent(key, upload("first"), java.util.Map.of("fetchfleet-summary", "{\"chunk\":0}")));
        assertFalse(store.putIfAbsent(key, upload("second"), java.util.Map.of("fetchfleet-summary", "{\"chunk\":1}")));

        assertEquals(Optional.of(java.util.Map.of("fetchfleet-summary", "{\"chunk\":0}")), store.head(key));
        assertArrayEquals(bytes("first"), store.get(key).orElseThrow());
        assertEquals(List.of(key), store.list("source=posts/"), "a listing shows the object, not where its metadata is kept");
        assertEquals(Optional.empty(), store.head("source=posts/ingest_date=2026-03-01/run_id=r1/part-00001.jsonl.gz"), "no object");

        store.delete(key);
        assertEquals(Optional.empty(), store.head(key));
        store.put(key, bytes("again"));
        assertEquals(Optional.of(java.util.Map.of()), store.head(key), "a new object starts without the old one's metadata");
    }

    @Test
    void aMetadataFileThatDoesNotParseReadsAsNoMetadataRatherThanFailingEveryHead() throws IOException {
        LocalBronzeStore store = new LocalBronzeStore(root);
        String key = "source=posts/ingest_date=2026-03-01/run_id=r1/part-00000.jsonl.gz";
        assertTrue(store.putIfAbsent(key, upload("part"), java.util.Map.of("fetchfleet-summary", "{\"chunk\":0}")));
        // Damaged on disk (a crash before the file's blocks reached it, a hand edit): a malformed \\u escape.
        Files.writeString(root.resolve("source=posts/ingest_date=2026-03-01/run_id=r1/.part-00000.jsonl.gz.meta"),
                "fetchfleet-summary=\\u00zz\n");

        // Before, head threw IllegalArgumentException ("Malformed \\uxxxx encoding"): every delivery of the chunk and
        // every completion of its run failed on it. The metadata is a copy of what the part says: read as none,
        // the part's summary is worked out from the part.
        assertEquals(Optional.of(java.util.Map.of()), store.head(key));
    }

    @Test
    void putReplacesAnExistingObject() {
        LocalBronzeStore store = new LocalBronzeStore(root);
        store.put("a/b.json", bytes("first"));
        store.put("a/b.json", bytes("second"));
        assertArrayEquals(bytes("second"), store.get("a/b.json").orElseThrow());
    }

    @Test
    void getOfAMissingKeyIsEmpty() {
        LocalBronzeStore store = new LocalBronzeStore(root);
        assertEquals(Optional.empty(), store.get("no/such/key"));
        assertFalse(store.exists("no/such/key"));
    }

    @Test
    void putIfAbsentWritesOnlyTheFirstTime() throws IOException {
        LocalBronzeStore store = new LocalBronzeStore(root);

        assertTrue(store.putIfAbsent("run/_SUCCESS", bytes("first")));
        assertFalse(store.putIfAbsent("run/_SUCCESS", bytes("second")));

        assertArrayEquals(bytes("first"), store.get("run/_SUCCESS").orElseThrow());
        assertTrue(store.exists("run/_SUCCESS"));
        assertEquals(List.of("run/_SUCCESS"), filesUnderRoot(), "no temporary file is left behind");
    }

    @Test
    void putIfAbsentDoesNotReplaceAnObjectWrittenByPut() {
        LocalBronzeStore store = new LocalBronzeStore(root);
        store.put("run/_SUCCESS", bytes("put"));
        assertFalse(store.putIfAbsent("run/_SUCCESS", bytes("conditional")));
        assertArrayEquals(bytes("put"), store.get("run/_SUCCESS").orElseThrow());
    }

    @Test
    void exactlyOneOfManyRacingPutIfAbsentCallsWins() throws Exception {
        LocalBronzeStore store = new LocalBronzeStore(root);
        int writers = 16;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < writers; i++) {
                byte[] content = bytes("writer " + i);
                results.add(threads.submit(() -> {
                    go.await();
                    return store.putIfAbsent("run/_SUCCESS", content);
                }));
            }
            go.countDown();
        }
        int winner = -1;
        int wins = 0;
        for (int i = 0; i < writers; i++) {
            if (results.get(i).get()) {
                wins++;
                winner = i;
            }
        }
        assertEquals(1, wins);
        assertEquals("writer " + winner, new String(store.get("run/_SUCCESS").orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void listsKeysUnderAPrefixInLexicalOrderSkippingTemporaryFiles() throws IOException {
        LocalBronzeStore store = new LocalBronzeStore(root);
        String run = "source=posts/ingest_date=2026-03-01/run_id=r1/";
        store.put(run + "part-00010.jsonl.gz", bytes("x"));
        store.put(run + "part-00002.jsonl.gz", bytes("x"));
        store.put(run + "_manifest.json", bytes("{}"));
        store.put("source=posts/ingest_date=2026-03-01/run_id=r2/part-00000.jsonl.gz", bytes("x"));
        // What a killed writer leaves: a temporary file beside the parts.
        Files.writeString(root.resolve(run + ".tmp-123456.part"), "half an object");

        assertEquals(List.of(run + "part-00002.jsonl.gz", run + "part-00010.jsonl.gz"), store.list(run + "part-"));
        assertEquals(List.of(run + "_manifest.json", run + "part-00002.jsonl.gz", run + "part-00010.jsonl.gz"), store.list(run));
        assertEquals(4, store.list("").size());
        assertEquals(List.of(), store.list("source=other/"));
    }

    @Test
    void deleteRemovesAnObjectAndIgnoresAMissingOne() {
        LocalBronzeStore store = new LocalBronzeStore(root);
        store.put("a/b", bytes("x"));
        store.delete("a/b");
        store.delete("a/b");
        assertFalse(store.exists("a/b"));
    }

    @Test
    void refusesAKeyThatEscapesTheRoot() {
        LocalBronzeStore store = new LocalBronzeStore(root.resolve("bronze"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.put("../outside", bytes("x")));
        assertTrue(e.getMessage().contains("../outside"), e.getMessage());
        assertFalse(Files.exists(root.resolve("outside")));
    }

    @Test
    void locatesAKeyAsItsFilePath() {
        LocalBronzeStore store = new LocalBronzeStore(root);
        assertEquals(root.toAbsolutePath().resolve("a/b.json").toString(), store.locate("a/b.json"));
    }
}
