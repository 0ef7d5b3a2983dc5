package dev.fetchfleet.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.Paginate;
import dev.fetchfleet.job.RequestSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class ChunkMessagesTest {

    private static final RunRef RUN = new RunRef("posts", "2026-03-01", "run-1");
    private static final FetchConfig FETCH = new FetchConfig(64, new FetchConfig.PerHost(8, 12.5), 20,
            new FetchConfig.Retry(3, 100, 5_000));

    private final ObjectMapper mapper = Json.newMapper();

    @TempDir
    Path bronze;

    private static Chunk chunk(int requests) throws IOException {
        ObjectMapper mapper = Json.newMapper();
        JsonNode jsonBody = mapper.readTree("{\"q\": \"x\", \"n\": [1, 2.5, null], \"ok\": true}");
        List<RequestSpec> specs = IntStream.range(0, requests).mapToObj(i -> switch (i % 3) {
            case 0 -> new RequestSpec("get-" + i, "GET", URI.create("https://api.example.com/posts/" + i + "?lang=en&x=%20y"),
                    Map.of(), null);
            case 1 -> new RequestSpec("post-" + i, "POST", URI.create("https://api.example.com/search"),
                    Map.of("Content-Type", "application/json", "X-Trace", "t-" + i), jsonBody);
            default -> new RequestSpec("text-" + i, "PUT", URI.create("http://127.0.0.1:8080/notes/" + i),
                    Map.of("Content-Type", "text/plain"), TextNode.valueOf("note ü " + i));
        }).toList();
        return new Chunk(RUN, 2, 7, 1, FETCH, specs);
    }

    /** Request by request, so a failure names the request rather than printing the whole chunk twice. */
    private static void assertSameChunk(Chunk expected, Chunk actual) {
        assertEquals(expected.run(), actual.run());
        assertEquals(expected.index(), actual.index());
        assertEquals(expected.chunkCount(), actual.chunkCount());
        assertEquals(expected.fetch(), actual.fetch());
        assertEquals(expected.requests().size(), actual.requests().size());
        for (int i = 0; i < expected.requests().size(); i++) {
            assertEquals(expected.requests().get(i), actual.requests().get(i), "request " + i);
        }
        assertEquals(expected, actual);
    }

    @Test
    void decodesAnEncodedChunkToTheSameChunk() throws IOException {
        LocalBronzeStore store = new LocalBronzeStore(bronze);
        ChunkMessages messages = new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
        Chunk chunk = chunk(6);

        String body = messages.encode(chunk);

        assertFalse(body.contains("claimCheck"), body);
        assertEquals(List.of(), store.list(""), "a small chunk needs no claim-check object");
        assertSameChunk(chunk, messages.decode(body));
    }

    @Test
    void keepsARequestWithoutABodyWithoutABody() throws IOException {
        ChunkMessages messages = new ChunkMessages(mapper, new LocalBronzeStore(bronze), ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
        RequestSpec get = chunk(1).requests().getFirst();

        Chunk decoded = messages.decode(messages.encode(new Chunk(RUN, 0, 1, 1, FETCH, List.of(get))));

        // A JSON null must not come back as a body: the fetcher would send "null" with a GET.
        assertNull(decoded.requests().getFirst().body());
    }

    @Test
    void storesAChunkTooBigForOneMessageAsAClaimCheck() throws IOException {
        LocalBronzeStore store = new LocalBronzeStore(bronze);
        ChunkMessages messages = new ChunkMessages(mapper, store, 2_000);
        Chunk chunk = chunk(60);
        assertTrue(mapper.writeValueAsBytes(chunk).length > 2_000, "the test chunk must be over the limit");

        String body = messages.encode(chunk);

        assertTrue(body.getBytes(StandardCharsets.UTF_8).length <= 2_000, body);
        assertEquals(RUN.claimCheckKey(2), mapper.readTree(body).get("claimCheck").asText());
        assertEquals(List.of("_chunks/source=posts/ingest_date=2026-03-01/run_id=run-1/chunk-00002.json"), store.list(""));
        assertTrue(Files.isRegularFile(bronze.resolve("_chunks/source=posts/ingest_date=2026-03-01/run_id=run-1/chunk-00002.json")));
        assertEquals(List.of(), store.list(RUN.prefix()), "readers of the run's partition never see claim-checks");
        assertSameChunk(chunk, messages.decode(body));
    }

    @Test
    void aClaimCheckCanBeDecodedByAnotherWorkerOfTheSameStore() throws IOException {
        Chunk chunk = chunk(60);
        String body = new ChunkMessages(mapper, new LocalBronzeStore(bronze), 2_000).encode(chunk);
        ChunkMessages otherWorker = new ChunkMessages(Json.newMapper(), new LocalBronzeStore(bronze), 2_000);
        assertSameChunk(chunk, otherWorker.decode(body));
    }

    @Test
    void saysWhichClaimCheckIsMissing() throws IOException {
        LocalBronzeStore store = new LocalBronzeStore(bronze);
        ChunkMessages messages = new ChunkMessages(mapper, store, 2_000);
        String body = messages.encode(chunk(60));
        store.delete(RUN.claimCheckKey(2));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> messages.decode(body));

        assertTrue(e.getMessage().contains("claim-check object missing"), e.getMessage());
        assertTrue(e.getMessage().contains(store.locate(RUN.claimCheckKey(2))), e.getMessage());
    }

    /** Every field of every request, pagination of each type and secret references together, inline and by claim-check. */
    @Test
    void carriesEveryFieldOfPaginatedRequestsWithSecretReferencesThroughAMessageAndAClaimCheck() throws IOException {
        JsonNode body = mapper.readTree("{\"q\": \"x\", \"n\": [1, 2.5, null]}");
        Map<String, String> headers = Map.of("Authorization", "Bearer {{secretsmanager:api/token}}", "X-Key", "{{ssm:/api/key}}",
                "Content-Type", "application/json");
        List<RequestSpec> requests = List.of(
                new RequestSpec("link", "POST", URI.create("https://api.example.com/a?x=1"), headers, body)
                        .withPaginate(new Paginate("link", null, null, 1, null, "limit", 100, 7, List.of("cdn.example.com"))),
                new RequestSpec("next", "GET", URI.create("https://api.example.com/b"), headers, null)
                        .withPaginate(new Paginate("next_url", "paging.next", null, 1, null, "limit", 100, 50, List.of())),
                new RequestSpec("cursor", "PUT", URI.create("https://api.example.com/c"), headers, TextNode.valueOf("text ü"))
                        .withPaginate(new Paginate("cursor", "meta.next_cursor", "after", 1, null, "limit", 100, 9, List.of())),
                new RequestSpec("page", "GET", URI.create("https://api.example.com/d"), headers, null)
                        .withPaginate(new Paginate("page", null, "p", 0, "data.items", "limit", 100, 3, List.of())),
                new RequestSpec("offset", "GET", URI.create("https://api.example.com/e"), headers, null)
                        .withPaginate(new Paginate("offset", null, "skip", 1, "items", "take", 25, 11, List.of())));
        // Through the parser, so every setting a job can write is set away from its default.
        FetchConfig fetch = new JobParser(mapper).parse("""
                {"source": "s", "requests": ["https://api.example.com/"],
                 "fetch": {"maxInFlight": 64, "perHost": {"maxConcurrency": 8, "requestsPerSecond": 12.5},
                           "hosts": {"api.example.com": {"maxConcurrency": 4, "requestsPerSecond": 2}},
                           "timeoutSeconds": 20, "retry": {"maxAttempts": 3, "baseDelayMillis": 100, "maxDelayMillis": 5000, "retryOn500": true},
                           "maxResponseBytes": 4096, "redactHeaders": ["X-Session"], "allowLinkLocal": true}}
                """).fetch();
        assertFalse(fetch.equals(FetchConfig.DEFAULT));
        Chunk chunk = new Chunk(RUN, 1, 3, 4, fetch, requests);

        Chunk inline = new ChunkMessages(mapper, new LocalBronzeStore(bronze), ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES)
                .decode(new ChunkMessages(mapper, new LocalBronzeStore(bronze), ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES).encode(chunk));
        ChunkMessages small = new ChunkMessages(mapper, new LocalBronzeStore(bronze), 300);
        String pointer = small.encode(chunk);
        assertTrue(pointer.contains("claimCheck"), pointer);

        assertSameChunk(chunk, inline);
        assertSameChunk(chunk, small.decode(pointer));
        assertEquals("Bearer {{secretsmanager:api/token}}", inline.requests().getFirst().headers().get("Authorization"),
                "a message carries the reference, never a value");
    }

    @Test
    void rejectsAMessageThatIsNotAChunk() {
        ChunkMessages messages = new ChunkMessages(mapper, new LocalBronzeStore(bronze), 2_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> messages.decode("{not json"));
        assertTrue(e.getMessage().contains("not a FetchFleet chunk message"), e.getMessage());
    }
}
