package dev.fetchfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.JobValidationException;
import dev.fetchfleet.job.RequestSpec;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sqs.model.Message;

class DispatcherHandlerTest {

    /**
     * On SQS and Lambda as many chunks fetch at once as the event source allows, whatever a run's lanes; child
     * chunks cannot be counted ahead to fit a smaller cap, so such a job would put more on the API than it allows.
     */
    @Test
    void aJobWithChildrenWhoseCapsAllowFewerLanesThanTheWorkersIsRefusedBeforeAnythingIsSent() throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        String job = """
                {"source": "lists", "requests": ["https://api.example.com/list"],
                 "fetch": {"perHost": {"maxConcurrency": 3, "requestsPerSecond": 100}},
                 "children": [{"source": "details", "from": {"itemsPath": "items", "bind": {"id": "id"}},
                               "request": {"url": "https://api.example.com/items/{id}"}}]}""";
        var lambda = dev.fetchfleet.dispatch.Dispatcher.create(fleet.mapper, fleet.store, fleet.queue(),
                dev.fetchfleet.dispatcher.DispatcherHandler.requestsFromFiles(fleet.s3), java.time.Clock.systemUTC(), 10);

        JobValidationException e = assertThrows(JobValidationException.class, () -> lambda.dispatch(job));

        assertTrue(e.getMessage().contains("$.children") && e.getMessage().contains("allow 3")
                && e.getMessage().contains("runs 10"), e.getMessage());
        assertEquals(List.of(), fleet.receiveAll(), "nothing sent");
        assertEquals(List.of(), fleet.store.list("lists"), "nothing written");
        // The local runner holds its surplus workers back: there the same job fetches in 3 lanes.
        assertEquals(3, lambda.forAFleetThatHoldsLanes().dispatch(job).lanes());
    }


    @Test
    void dispatchesTheScheduledEventsJobAsChunksAndWritesTheManifestFirst() throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        String event = Files.readString(Repo.file("events/schedule-event.json"));
        ScheduledEvent parsed = EventLoader.loadScheduledEvent(Repo.file("events/schedule-event.json").toString());
        assertEquals("Scheduled Event", parsed.getDetailType());

        JsonNode answer = fleet.mapper.readTree(fleet.dispatch(event));
        assertEquals(250, answer.get("requests").asInt());
        assertEquals(3, answer.get("chunks").asInt());

        RunRef run = new RunRef("items", answer.get("ingestDate").asText(), answer.get("runId").asText());
        Manifest manifest = fleet.mapper.readValue(fleet.store.get(run.manifestKey()).orElseThrow(), Manifest.class);
        assertEquals(250, manifest.requests());
        assertEquals(3, manifest.chunks());
        assertTrue(fleet.s3.listObjectsV2(b -> b.bucket(fleet.bucket).prefix("bronze/source=items/")).contents()
                .stream().anyMatch(o -> o.key().endsWith("/run_id=" + run.runId() + "/_manifest.json")));

        ChunkMessages codec = new ChunkMessages(fleet.mapper, fleet.store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
        List<Chunk> chunks = fleet.receiveAll().stream().map(Message::body).map(codec::decode).toList();
        assertEquals(Set.of(0, 1, 2), chunks.stream().map(Chunk::index).collect(Collectors.toSet()));
        Set<String> urls = new TreeSet<>();
        chunks.forEach(c -> c.requests().forEach(r -> urls.add(r.url().toString())));
        assertEquals(250, urls.size());
        assertTrue(urls.contains("https://api.example.com/items/1") && urls.contains("https://api.example.com/items/250"));
    }

    @Test
    void sharesTheApisCapsAmongTheChunksTheWorkerConcurrencyLetsRunAtOnce() throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        // The deployed dispatcher is told the event source's MaximumConcurrency (WORKER_MAX_CONCURRENCY).
        var dispatcher = new dev.fetchfleet.dispatcher.DispatcherHandler(dev.fetchfleet.dispatch.Dispatcher.create(fleet.mapper,
                fleet.store, new dev.fetchfleet.aws.SqsBatchSender(fleet.sqs, fleet.queueUrl),
                dev.fetchfleet.dispatcher.DispatcherHandler.requestsFromFiles(fleet.s3), java.time.Clock.systemUTC(), 4));
        String job = """
                {"source": "items", "chunkSize": 10,
                 "template": {"url": "https://api.example.com/items/{n}", "values": {"n": {"from": 1, "to": 100}}},
                 "fetch": {"perHost": {"maxConcurrency": 3, "requestsPerSecond": 30}}}""";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        dispatcher.handleRequest(new java.io.ByteArrayInputStream(job.getBytes(java.nio.charset.StandardCharsets.UTF_8)), out,
                new TestContext("fetchfleet-dispatcher", 300_000));

        JsonNode answer = fleet.mapper.readTree(out.toByteArray());
        // 3 in flight for the whole fleet of 4 workers: 3 chunks, larger than chunkSize, each 1 in flight.
        assertEquals(3, answer.get("lanes").asInt(), answer.toString());
        assertEquals(3, answer.get("chunks").asInt(), answer.toString());
        assertTrue(answer.get("warnings").toString().contains("only 3 chunks fetch at once"), answer.toString());
        ChunkMessages codec = new ChunkMessages(fleet.mapper, fleet.store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
        List<Chunk> chunks = fleet.receiveAll().stream().map(Message::body).map(codec::decode).toList();
        assertEquals(3, chunks.size());
        for (Chunk chunk : chunks) {
            assertEquals(3, chunk.lanes());
            assertEquals(new dev.fetchfleet.job.FetchConfig.PerHost(3, 30), chunk.fetch().perHost(), "the API's caps, as written");
            assertEquals(new dev.fetchfleet.job.FetchConfig.PerHost(1, 10), chunk.fetchShare().perHost(), "one lane's share");
        }
        Manifest manifest = fleet.mapper.readValue(fleet.store.get(new RunRef("items", answer.get("ingestDate").asText(),
                answer.get("runId").asText()).manifestKey()).orElseThrow(), Manifest.class);
        assertEquals(3, manifest.lanes());
        assertEquals(34, manifest.chunkSize());
    }

    @Test
    void theManualInvokeSampleIsAJobTheDispatcherAccepts() throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        JsonNode answer = fleet.mapper.readTree(fleet.dispatch(Files.readString(Repo.file("events/manual-invoke.json"))));
        assertEquals(3, answer.get("requests").asInt());
        assertEquals(1, fleet.receiveAll().size());
    }

    @Test
    void rejectsABadJobWholeBeforeWritingOrSendingAnything() throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        String job = """
                {"source": "posts", "chunkSize": 5000,
                 "requests": [{"url": "https://ok.example.com/1"}, {"url": "ftp://files.example.com/x"}, {"url": "https://ok.example.com/1"}]}
                """;
        JobValidationException e = assertThrows(JobValidationException.class, () -> fleet.dispatch(job));
        assertTrue(e.getMessage().contains("$.chunkSize = 5000"), e.getMessage());
        assertTrue(e.getMessage().contains("$.requests[1].url = \"ftp://files.example.com/x\""), e.getMessage());
        assertTrue(e.getMessage().contains("$.requests[2].id"), e.getMessage());
        assertEquals(List.of(), fleet.receiveAll());
        assertEquals(0, fleet.s3.listObjectsV2(b -> b.bucket(fleet.bucket)).keyCount());
    }

    /** Each hostile or broken event: the error result is the invalid-job message naming the problem, nothing sent or written. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedEvents")
    void answersAMalformedEventWithTheInvalidJobErrorAndSendsNothing(String what, String event, String expected) throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        JobValidationException e = assertThrows(JobValidationException.class, () -> fleet.dispatch(event), what);
        assertTrue(e.getMessage().startsWith("invalid job ("), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "expected <" + expected + "> in:\n" + e.getMessage());
        assertEquals(0, e.getStackTrace().length, "Lambda's error result carries no stack trace for a user's mistake");
        String path = System.getenv("PATH");
        assertTrue(path == null || !e.getMessage().contains(path), "the environment leaked: " + e.getMessage());
        assertEquals(List.of(), fleet.receiveAll());
        assertEquals(0, fleet.s3.listObjectsV2(b -> b.bucket(fleet.bucket)).keyCount());
    }

    static Stream<Arguments> malformedEvents() {
        String ok = "\"source\": \"posts\", \"requests\": [\"https://api.example.com/1\"]";
        return Stream.of(
                Arguments.of("not JSON", "source: posts", "$: is not valid JSON (line 1, column"),
                Arguments.of("empty", "", "$: is empty"),
                Arguments.of("not an object", "[1, 2]", "a job must be a JSON object"),
                Arguments.of("trailing content", "{" + ok + "} trailing", "has content after the job object"),
                Arguments.of("duplicate key in the schedule's detail", "{\"detail-type\": \"Scheduled Event\", \"detail\": {" + ok
                        + ", \"fetch\": {\"allowLinkLocal\": false, \"allowLinkLocal\": true}}}", "$.detail.fetch.allowLinkLocal"),
                Arguments.of("nested 10,000 deep", "{" + ok + ", \"plan\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}",
                        "nested deeper than 64"),
                Arguments.of("7 MB", "{" + ok + ", \"x\": \"" + "y".repeat(7 * 1024 * 1024) + "\"}", "larger than 6291456 bytes"),
                Arguments.of("requestsFrom a local path in Lambda", "{\"source\": \"posts\", \"requestsFrom\": \"/proc/self/environ\"}",
                        "only s3:// objects are read here"),
                Arguments.of("unknown reference kind", "{\"source\": \"posts\", \"requests\": [{\"url\": \"https://api.example.com/\", "
                        + "\"headers\": {\"X-Key\": \"{{vault:x}}\"}}]}", "{{vault:…}}, which is no known reference"),
                Arguments.of("unknown state", "{\"source\": \"posts\", \"requests\": [\"https://api.example.com/?since={{state:unknown}}\"]}",
                        "{{state:unknown}} names no state"),
                Arguments.of("password in a URL", "{\"source\": \"posts\", \"requests\": [\"https://u:secretpw@api.example.com/\"]}",
                        "\"https://***@api.example.com/\""));
    }

    @Test
    void aChunkPastTheSqsSizeLimitTravelsAsAClaimCheckObject() throws Exception {
        Fleet fleet = Fleet.onLocalServers();
        String big = "x".repeat(4_000);
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            requests.append(i == 0 ? "" : ",").append("{\"id\":\"r").append(i)
                    .append("\",\"method\":\"POST\",\"url\":\"https://api.example.com/search\",\"body\":{\"q\":\"").append(big).append("\"}}");
        }
        JsonNode answer = fleet.mapper.readTree(fleet.dispatch("{\"source\":\"search\",\"requests\":[" + requests + "]}"));
        assertEquals(1, answer.get("chunks").asInt());

        List<Message> messages = fleet.receiveAll();
        assertEquals(1, messages.size());
        assertTrue(messages.getFirst().body().length() < 1024, "the message carries only a pointer");
        assertTrue(fleet.mapper.readTree(messages.getFirst().body()).has("claimCheck"));
        Chunk chunk = new ChunkMessages(fleet.mapper, fleet.store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES).decode(messages.getFirst().body());
        assertEquals(100, chunk.requests().size());
        RequestSpec first = chunk.requests().getFirst();
        assertEquals(big, first.body().get("q").asText());
        assertTrue(fleet.keys("_chunks/").size() == 1, "one claim-check object: " + fleet.keys("_chunks/"));
    }
}
