package dev.fetchfleet.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.Upload;
import dev.fetchfleet.job.RequestSpec;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A chunk's records spilled to disk as they end, concurrently, and read back as one part in request order. */
@Tag("unit")
class PartSpillTest {

    private final ObjectMapper mapper = Json.newMapper();

    @Test
    void recordsWrittenConcurrentlyComeBackOnceEachInRequestAndPageOrder() throws Exception {
        int requests = 60;
        int pages = 3;
        List<RequestSpec> order = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            order.add(new RequestSpec("req-" + r, "GET", URI.create("https://api.example.com/items/" + r), Map.of(), null));
        }
        // A body of a few hundred KiB among small ones, so that a member takes more than one deflate buffer.
        String large = "x".repeat(300 * 1024);
        ConcurrentLinkedQueue<Boolean> added = new ConcurrentLinkedQueue<>();
        try (PartSpill spill = PartSpill.create(mapper)) {
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                // Last request first and pages backwards, each (request, page) offered twice: the first counts.
                for (int r = requests - 1; r >= 0; r--) {
                    for (int p = pages; p >= 1; p--) {
                        for (int copy = 0; copy < 2; copy++) {
                            int request = r;
                            int page = p;
                            String text = request == 7 && page == 2 ? large : "item " + request + " page " + page;
                            threads.submit(() -> added.add(spill.add(record(request, page, text))));
                        }
                    }
                }
            }
            assertEquals(requests * pages, added.stream().filter(b -> b).count(), "each (request, page) written once");

            Upload part = spill.part(order);
            List<JsonNode> lines = new ArrayList<>();
            try (InputStream in = new GZIPInputStream(part.source().open());
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(mapper.readTree(line));
                }
            }
            assertEquals(requests * pages, lines.size());
            for (int i = 0; i < lines.size(); i++) {
                JsonNode line = lines.get(i);
                assertEquals("req-" + i / pages, line.get("request_id").asText());
                assertEquals(i % pages + 1, line.get("page").asInt());
            }
            JsonNode largeLine = lines.get(7 * pages + 1);
            assertEquals(large, largeLine.get("body").get("text").asText(), "a large body comes back whole");
            assertTrue(part.length() < large.length() / 10, "the part is compressed: " + part.length() + " bytes");
            assertFalse(spill.add(record(0, 1, "again")), "a (request, page) already written is refused after the part too");
        }
    }

    private BronzeRecord record(int request, int page, String text) {
        return new BronzeRecord("run-1", "items", "req-" + request, "GET", "https://api.example.com/items/" + request, 200,
                Map.of(), mapper.createObjectNode().put("text", text), null, Instant.parse("2026-11-30T00:00:00Z"), 5, 1, null, page);
    }
}
