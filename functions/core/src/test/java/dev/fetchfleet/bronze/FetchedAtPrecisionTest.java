package dev.fetchfleet.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bronze line carries fetched_at with the same three fractional digits, so engines infer one timestamp type. */
class FetchedAtPrecisionTest {

    private static final RunRef RUN = new RunRef("posts", "2026-11-30", "run-1");

    private final ObjectMapper mapper = Json.newMapper();

    @TempDir
    Path root;

    @Test
    void fetchedAtIsWrittenInMillisecondsOnEveryLineWhateverTheClockGave() throws IOException {
        BronzeWriter writer = new BronzeWriter(new LocalBronzeStore(root), mapper);
        List<String> clockReadings = List.of("2026-11-30T01:02:03Z", "2026-11-30T01:02:03.1Z", "2026-11-30T01:02:03.120Z",
                "2026-11-30T01:02:03.123456Z", "2026-11-30T01:02:03.999999999Z");

        writer.writePart(RUN, 0, clockReadings.stream().map(at -> record(Instant.parse(at))).toList());

        List<String> written = lines(writer.store().get(RUN.partKey(0)).orElseThrow()).stream()
                .map(line -> line.get("fetched_at").asText()).toList();
        assertEquals(List.of("2026-11-30T01:02:03.000Z", "2026-11-30T01:02:03.100Z", "2026-11-30T01:02:03.120Z",
                "2026-11-30T01:02:03.123Z", "2026-11-30T01:02:03.999Z"), written);
    }

    @Test
    void aLineOfAnyPrecisionReadsBackHeldInMillisecondsAndWritesTheSame() throws IOException {
        BronzeWriter writer = new BronzeWriter(new LocalBronzeStore(root), mapper);
        String old = "{\"run_id\":\"run-1\",\"source\":\"posts\",\"request_id\":\"a\",\"method\":\"GET\",\"url\":\"https://x.test/\","
                + "\"status\":200,\"response_headers\":{},\"body\":null,\"body_encoding\":null,"
                + "\"fetched_at\":\"2026-11-30T01:02:03.123456789Z\",\"duration_ms\":5,\"attempts\":1,\"error\":null,\"page\":0}\n";
        writer.store().put(RUN.partKey(1), old.getBytes(StandardCharsets.UTF_8));

        BronzeRecord read = writer.readPart(RUN.partKey(1)).getFirst();

        assertEquals(Instant.parse("2026-11-30T01:02:03.123Z"), read.fetchedAt());
        assertEquals("\"2026-11-30T01:02:03.123Z\"", mapper.writeValueAsString(read).replaceAll(".*\"fetched_at\":(\"[^\"]*\").*", "$1"));
    }

    private static BronzeRecord record(Instant fetchedAt) {
        return new BronzeRecord("run-1", "posts", "a", "GET", "https://x.test/", 200, Map.of(), null, null, fetchedAt, 5, 1, null, 0);
    }

    private List<JsonNode> lines(byte[] part) throws IOException {
        String text;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(part))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return text.lines().map(line -> {
            try {
                return mapper.readTree(line);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }
}
