package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2,000-page cursor chain, fetched by the local fleet in a process that is killed (SIGKILL) while it
 * waits on a page, then resumed with the same command: the chain goes on from that page, every page
 * lands in bronze once, and the API answers no page twice.
 *
 * <p>The API holds back its answer to the page the kill falls on, so that page is one the killed worker
 * never had: asked for twice, answered once. (A page answered in the very instant of a kill cannot be
 * kept by anyone; that one page is the most a kill costs a chain.)
 */
class LocalChainResumeTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final int PAGES = 2000;

    @Test
    void aLongCursorChainKilledMidRunGoesOnFromItsPageWithNoPageAnsweredTwice(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("fetchfleet.seed", 20261127L);
        int held = 1000 + new Random(seed).nextInt(PAGES - 1100);
        AtomicIntegerArray asked = new AtomicIntegerArray(PAGES);
        AtomicIntegerArray answered = new AtomicIntegerArray(PAGES);
        CountDownLatch heldArrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        api.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        api.createContext("/feed", exchange -> {
            try (exchange) {
                String query = exchange.getRequestURI().getRawQuery();
                int cursor = query == null ? 0 : Integer.parseInt(query.replaceAll(".*cursor=(\\d+).*", "$1"));
                if (asked.incrementAndGet(cursor) == 1 && cursor == held) {
                    heldArrived.countDown();
                    release.await(60, TimeUnit.SECONDS);
                    return; // never answered: its worker is dead by now
                }
                Thread.sleep(3); // at most ~650 pages in an invocation's 2 s of starts: the chain must cross invocations
                String next = cursor + 1 < PAGES ? "\"" + (cursor + 1) + "\"" : "null";
                HttpJson.send(exchange, 200, "{\"items\":[{\"n\":" + cursor + "}],\"meta\":{\"next_cursor\":" + next + "}}");
                answered.incrementAndGet(cursor);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        api.start();
        try {
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "feed", "requests": [{"id": "long-feed", "url": "http://127.0.0.1:%d/feed"}],
                     "paginate": {"type": "cursor", "path": "meta.next_cursor", "param": "cursor", "maxPages": 5000},
                     "fetch": {"timeoutSeconds": 5, "perHost": {"maxConcurrency": 8, "requestsPerSecond": 1000}}}
                    """.formatted(api.getAddress().getPort()));
            Path bronze = dir.resolve("bronze");
            List<String> args = List.of("run", job.toString(), "--bronze", bronze.toString(), "--run-id", "chain-" + seed,
                    "--workers", "1");

            // The first process with a 17 s worker timeout: 2 s of page starts an invocation, so the chain
            // also crosses invocations (a new message each) before the kill.
            List<String> first = new ArrayList<>(args);
            first.addAll(List.of("--worker-timeout", "17"));
            Process process = Cli.start(first, dir.resolve("first.log"));
            assertTrue(heldArrived.await(120, TimeUnit.SECONDS), "page " + held + " was never asked for: " + Files.readString(dir.resolve("first.log")));
            // Pages are checkpointed by time, not one by one: within an interval the page before the held one is written.
            awaitCheckpointed(bronze, held - 1);
            process.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            release.countDown();

            assertTrue(files(bronze.resolve("_checkpoints"), "seg-").stream().anyMatch(p -> p.toString().endsWith("-sealed.jsonl.gz")),
                    "the chain went on past at least one invocation's deadline before the kill");
            Set<Integer> checkpointed = new HashSet<>();
            for (JsonNode entry : jsonLines(files(bronze.resolve("_checkpoints"), "seg-"))) {
                checkpointed.add(entry.get("record").get("page").asInt());
            }
            for (int page = 0; page < held; page++) {
                assertTrue(checkpointed.contains(page), "page " + page + " was answered before the kill and is in the checkpoint");
            }

            Cli.Result resumed = Cli.run(args);

            assertEquals(0, resumed.exitCode(), resumed.err());
            JsonNode summary = resumed.summary();
            assertTrue(summary.get("complete").asBoolean(), summary.toString());
            List<JsonNode> records = jsonLines(files(bronze, "part-"));
            assertEquals(PAGES, records.size());
            for (int page = 0; page < PAGES; page++) {
                JsonNode record = records.get(page);
                assertEquals(page, record.get("page").asInt(), "pages in order, each once");
                assertEquals(page, record.get("body").get("items").get(0).get("n").asInt());
                assertEquals(1, answered.get(page), "page " + page + " answered once");
                assertEquals(page == held ? 2 : 1, asked.get(page), "page " + page + " asked for");
            }
            assertEquals(List.of(), files(bronze.resolve("_checkpoints"), "seg-"), "checkpoints removed");
            System.out.printf("chain kill -9: %d pages, killed waiting on page %d, %d pages in the checkpoint at the kill, "
                    + "resumed: 0 pages answered twice, 1 asked twice (the one never answered)%n", PAGES, held, checkpointed.size());
        } finally {
            release.countDown();
            api.stop(0);
        }
    }

    /**
     * The same kill, in a chain whose page {@code bad} carries a next_url with a raw space: resumed, the
     * chain goes on from the page it was waiting on and ends at the bad link, that page's answer kept
     * with why; every page lands once, none is replaced by an error record, none asked for past it.
     */
    @Test
    void aChainKilledMidRunThenEndedByAMalformedLinkKeepsEveryPageOnce(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("fetchfleet.seed", 20261130L);
        int pages = 800;
        int bad = 700;
        int held = 200 + new Random(seed).nextInt(400);
        AtomicIntegerArray asked = new AtomicIntegerArray(pages);
        AtomicIntegerArray answered = new AtomicIntegerArray(pages);
        CountDownLatch heldArrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        api.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        api.createContext("/feed", exchange -> {
            try (exchange) {
                String query = exchange.getRequestURI().getRawQuery();
                int page = query == null ? 0 : Integer.parseInt(query.replaceAll(".*page=(\\d+).*", "$1"));
                if (asked.incrementAndGet(page) == 1 && page == held) {
                    heldArrived.countDown();
                    release.await(60, TimeUnit.SECONDS);
                    return; // never answered: its worker is dead by now
                }
                Thread.sleep(3);
                String next = page == bad ? "\"feed?page=" + (page + 1) + " x\"" : "\"feed?page=" + (page + 1) + "\"";
                HttpJson.send(exchange, 200, "{\"items\":[{\"n\":" + page + "}],\"paging\":{\"next\":" + next + "}}");
                answered.incrementAndGet(page);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        api.start();
        try {
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "feed", "requests": [{"id": "bad-link-feed", "url": "http://127.0.0.1:%d/feed"}],
                     "paginate": {"type": "next_url", "path": "paging.next", "maxPages": 5000},
                     "fetch": {"timeoutSeconds": 5, "perHost": {"maxConcurrency": 8, "requestsPerSecond": 1000}}}
                    """.formatted(api.getAddress().getPort()));
            Path bronze = dir.resolve("bronze");
            List<String> args = List.of("run", job.toString(), "--bronze", bronze.toString(), "--run-id", "bad-link-" + seed,
                    "--workers", "1");

            Process process = Cli.start(args, dir.resolve("first.log"));
            assertTrue(heldArrived.await(120, TimeUnit.SECONDS), "page " + held + " was never asked for: " + Files.readString(dir.resolve("first.log")));
            awaitCheckpointed(bronze, held - 1);
            process.destroyForcibly(); // SIGKILL
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            release.countDown();

            Cli.Result resumed = Cli.run(args);

            assertEquals(0, resumed.exitCode(), resumed.err());
            List<JsonNode> records = jsonLines(files(bronze, "part-"));
            assertEquals(bad + 1, records.size(), "pages 0 to " + bad + ", each once");
            for (int page = 0; page <= bad; page++) {
                JsonNode record = records.get(page);
                assertEquals(page, record.get("page").asInt(), "pages in order, each once");
                assertEquals(200, record.get("status").asInt(), "page " + page + " keeps its answer");
                assertEquals(page, record.get("body").get("items").get(0).get("n").asInt());
                assertEquals(1, answered.get(page), "page " + page + " answered once");
            }
            assertTrue(records.get(bad).get("error").asText().contains("is not a valid URL"), records.get(bad).toString());
            assertTrue(records.get(0).get("error").isNull());
            for (int page = bad + 1; page < pages; page++) {
                assertEquals(0, asked.get(page), "page " + page + " lies past the bad link");
            }
            System.out.printf("chain kill -9 with a malformed link: killed waiting on page %d, resumed to the bad link on page %d; "
                    + "%d records, each page once%n", held, bad, records.size());
        } finally {
            release.countDown();
            api.stop(0);
        }
    }

    /**
     * Waits until the chain's checkpoint holds {@code page}: the chain is stuck on the page after it, so the
     * writer's next interval writes it. A kill before that would ask again for the last interval's pages.
     */
    private static void awaitCheckpointed(Path bronze, int page) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            try {
                if (jsonLines(files(bronze.resolve("_checkpoints"), "seg-")).stream()
                        .anyMatch(entry -> entry.get("record").get("page").asInt() == page)) {
                    return;
                }
            } catch (IOException | java.io.UncheckedIOException segmentFoldedMeanwhile) {
                // a segment folded into the sealed one between listing and reading: look again
            }
            Thread.sleep(50);
        }
        throw new AssertionError("page " + page + " never reached the checkpoint");
    }

    private static List<Path> files(Path under, String namePrefix) throws IOException {
        return LiveFiles.matching(under, p -> p.getFileName().toString().startsWith(namePrefix)
                && (p.toString().endsWith(".jsonl") || p.toString().endsWith(".jsonl.gz")));
    }

    private static List<JsonNode> jsonLines(List<Path> files) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (Path file : files) {
            // Parts and sealed checkpoint segments are gzipped; a checkpoint's small segments are not.
            InputStream in = Files.newInputStream(file);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(MAPPER.readTree(line));
                }
            }
        }
        return lines;
    }
}
