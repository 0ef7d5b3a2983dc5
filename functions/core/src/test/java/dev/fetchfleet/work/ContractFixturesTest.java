package dev.fetchfleet.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fetchfleet.Json;
import dev.fetchfleet.WireFormat;
import dev.fetchfleet.dispatch.RangeExpander;
import dev.fetchfleet.run.DispatchProgress;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import dev.fetchfleet.run.PartSummary;
import dev.fetchfleet.run.RunCompletion;
import dev.fetchfleet.job.FailureTolerance;
import dev.fetchfleet.job.Incremental;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.run.Success;
import dev.fetchfleet.state.SourceState;
import dev.fetchfleet.state.StateStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire documents between FetchFleet's processes (chunk message, checkpoint entry, bronze record,
 * manifest, {@code _SUCCESS}, state), held to their contracts: fixtures written by the code before
 * versions existed ({@code contracts/v0/}) read through today's codecs to the same values; today's
 * documents carry their version and come back whole; a major version newer than the code is refused
 * with an error that names the document and both versions; and every document has its schema's shape.
 */
@Tag("unit")
class ContractFixturesTest {

    private static final String CHECKPOINT_KEY = ContractSamples.RUN.checkpointPrefix(1) + "seg-0000000000000-00000000-000001.jsonl";

    private final ObjectMapper mapper = Json.newMapper();
    private final SchemaShape shapes = new SchemaShape(mapper);

    @TempDir
    Path root;
    private LocalBronzeStore store;
    private BronzeWriter bronze;

    @BeforeEach
    void setUp() {
        store = new LocalBronzeStore(root);
        bronze = new BronzeWriter(store, mapper);
    }

    // ---- v0: fixtures written before versions existed ----

    @Test
    void aChunkMessageOfThePreviousVersionReadsToTheSameChunkInlineAndByClaimCheck() throws IOException {
        ChunkMessages messages = new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
        store.put(ContractSamples.RUN.claimCheckKey(1), v0("chunk-claim-check-object.json"));

        assertEquals(ContractSamples.chunk(), messages.decode(v0Text("chunk-message.json")));
        assertEquals(ContractSamples.chunk(), messages.decode(v0Text("chunk-message-claim-check.json")));
        assertEquals("{{ssm:/posts/api-key}}", messages.decode(v0Text("chunk-message.json")).requests().getFirst().headers().get("X-Api-Key"));
    }

    @Test
    void aBronzeRecordAndACheckpointEntryOfThePreviousVersionReadToTheSameValues() throws IOException {
        store.put(ContractSamples.RUN.partKey(1), v0("bronze-record.jsonl"));
        store.put(CHECKPOINT_KEY, v0("checkpoint-entry.jsonl"));

        assertEquals(List.of(ContractSamples.record()), bronze.readPart(ContractSamples.RUN.partKey(1)));
        assertEquals(List.of(ContractSamples.checkpointEntry()), bronze.readLines(CHECKPOINT_KEY, CheckpointEntry.class));
        assertEquals(List.of(ContractSamples.record().withoutBody()), CheckpointLog.read(bronze, ContractSamples.RUN, 1).records(),
                "the worker's own checkpoint reader");
    }

    @Test
    void aManifestSuccessAndStateOfThePreviousVersionReadToTheSameValues() throws IOException {
        store.put(ContractSamples.RUN.manifestKey(), v0("manifest.json"));
        store.put(ContractSamples.RUN.successKey(), v0("success.json"));
        store.put(SourceState.key("posts"), v0("state.json"));
        RunFiles files = new RunFiles(store, mapper);

        assertEquals(ContractSamples.manifest(), files.manifest(ContractSamples.RUN));
        assertEquals(new Incremental("since", "items", "at", null, false, FailureTolerance.NONE),
                files.manifest(ContractSamples.RUN).incremental(), "the typed incremental, from the job a v0 manifest embeds");
        assertEquals(ContractSamples.success(), files.readSuccess(ContractSamples.RUN).orElseThrow());
        assertEquals(ContractSamples.state(), new StateStore(store, mapper).read("posts").orElseThrow());
    }

    // ---- v1: what this code writes ----

    @Test
    void everyDocumentThisCodeWritesCarriesItsVersionAndComesBackWhole() throws IOException {
        Map<String, JsonNode> written = writeCurrent();
        for (Map.Entry<String, JsonNode> document : written.entrySet()) {
            // A range message is numbered after the chunk message; the manifest is at 2 since the job moved out of it.
            int current = switch (document.getKey()) {
                case "chunk-range" -> WireFormat.CHUNK_RANGE.current();
                case "manifest" -> WireFormat.MANIFEST.current();
                case "checkpoint-entry" -> WireFormat.CHECKPOINT_ENTRY.current();
                default -> document.getKey().startsWith("chunk-") ? WireFormat.CHUNK_MESSAGE.current() : 1;
            };
            assertEquals(current, document.getValue().path(WireFormat.FIELD).asInt(-1), document.getKey() + ": " + document.getValue());
        }
        assertEquals(1, written.get("checkpoint-entry").get("record").get(WireFormat.FIELD).asInt(), "the record inside an entry too");

        ChunkMessages messages = new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
        assertEquals(ContractSamples.chunk(), messages.decode(written.get("chunk-message").toString()));
        assertEquals(ContractSamples.chunk(), messages.decode(written.get("chunk-message-claim-check").toString()));
        assertEquals(List.of(ContractSamples.record()), bronze.readPart(ContractSamples.RUN.partKey(0)));
        assertEquals(List.of(ContractSamples.checkpointEntry()), bronze.readLines(CHECKPOINT_KEY, CheckpointEntry.class));
        RunFiles files = new RunFiles(store, mapper);
        assertEquals(ContractSamples.currentManifest(), files.manifest(ContractSamples.RUN));
        assertEquals(ContractSamples.manifest().job(), files.job(files.manifest(ContractSamples.RUN)).orElseThrow(),
                "the job, kept beside the manifest");
        assertEquals(mapper.treeToValue(written.get("success"), Success.class), files.readSuccess(ContractSamples.RUN).orElseThrow());
        assertEquals("run-1", new StateStore(store, mapper).read("posts").orElseThrow().lastSuccessRunId());
    }

    // ---- a newer major version ----

    @Test
    void aChunkMessageOfANewerMajorVersionIsRefusedSayingWhatToDeployFirst() throws IOException {
        writeCurrent();
        ChunkMessages messages = new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
        String newer = withVersion(mapper.readTree(messages.encode(ContractSamples.chunk())), 99).toString();

        WireFormat.Refused refused = assertThrows(WireFormat.Refused.class, () -> messages.decode(newer));

        assertEquals("chunk message format 99 is newer than this worker reads (" + WireFormat.CHUNK_MESSAGE.current()
                        + "): deploy the new worker before the new dispatcher",
                refused.getMessage());
        // A claim-check object of a newer dispatcher behind a pointer this worker can read is refused too, naming the object.
        String key = ContractSamples.RUN.claimCheckKey(1);
        String pointer = new ChunkMessages(mapper, store, 300).encode(ContractSamples.chunk());
        int next = WireFormat.CHUNK_MESSAGE.current() + 1;
        store.put(key, mapper.writeValueAsBytes(withVersion(mapper.readTree(messages.encode(ContractSamples.chunk())), next)));
        refused = assertThrows(WireFormat.Refused.class, () -> messages.decode(pointer));
        assertEquals(store.locate(key) + ": chunk message format " + next + " is newer than this worker reads (" + (next - 1) + "): "
                + "deploy the new worker before the new dispatcher", refused.getMessage());
    }

    @Test
    void everyOtherDocumentOfANewerMajorVersionIsRefusedNamingItAndBothVersions() throws IOException {
        Map<String, JsonNode> written = writeCurrent();
        RunFiles files = new RunFiles(store, mapper);
        String part = ContractSamples.RUN.partKey(0);
        store.put(part, (withVersion(written.get("bronze-record"), 99) + "\n").getBytes(StandardCharsets.UTF_8));
        store.put(CHECKPOINT_KEY, (withVersion(written.get("checkpoint-entry"), 99) + "\n").getBytes(StandardCharsets.UTF_8));
        store.put(ContractSamples.RUN.manifestKey(), mapper.writeValueAsBytes(withVersion(written.get("manifest"), 99)));
        store.put(ContractSamples.RUN.successKey(), mapper.writeValueAsBytes(withVersion(written.get("success"), 99)));
        store.put(SourceState.key("posts"), mapper.writeValueAsBytes(withVersion(written.get("state"), 99)));

        assertRefused(store.locate(part) + ": bronze record format 99 is newer than this reader reads (1)", () -> bronze.readPart(part));
        assertRefused(store.locate(CHECKPOINT_KEY) + ": checkpoint entry format 99 is newer than this worker reads (" + WireFormat.CHECKPOINT_ENTRY.current() + ")",
                () -> CheckpointLog.read(bronze, ContractSamples.RUN, 1));
        assertRefused(store.locate(ContractSamples.RUN.manifestKey()) + ": manifest format 99 is newer than this code reads (2)",
                () -> files.manifest(ContractSamples.RUN));
        assertRefused(store.locate(ContractSamples.RUN.successKey()) + ": _SUCCESS format 99 is newer than this reader reads (1)",
                () -> files.readSuccess(ContractSamples.RUN));
        assertRefused(store.locate(SourceState.key("posts")) + ": state format 99 is newer than this code reads (1)",
                () -> new StateStore(store, mapper).advance("posts", "since", "9", "2026-12-01T00:00:00Z", "run-2"));
        assertEquals(99, mapper.readTree(store.get(SourceState.key("posts")).orElseThrow()).get(WireFormat.FIELD).asInt(),
                "a newer state is left as it is, not moved");
    }

    @Test
    void aVersionThatIsNotAWholeNumberIsRefused() throws IOException {
        ChunkMessages messages = new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
        ObjectNode message = (ObjectNode) mapper.readTree(messages.encode(ContractSamples.chunk()));
        message.put(WireFormat.FIELD, "1.0");

        WireFormat.Refused refused = assertThrows(WireFormat.Refused.class, () -> messages.decode(message.toString()));

        assertEquals("chunk message has schema_version \"1.0\", not a whole number", refused.getMessage());
    }

    // ---- schemas ----

    @Test
    void everyFixtureAndEveryDocumentThisCodeWritesHasTheShapeOfItsSchema() throws IOException {
        Map<String, JsonNode> documents = new LinkedHashMap<>();
        for (String name : List.of("chunk-message", "chunk-message-claim-check", "bronze-record", "checkpoint-entry",
                "manifest", "success", "state")) {
            documents.put("v0/" + name, mapper.readTree(v0(name + (name.endsWith("record") || name.endsWith("entry") ? ".jsonl" : ".json"))));
        }
        documents.put("v0/chunk-claim-check-object", mapper.readTree(v0("chunk-claim-check-object.json")));
        writeCurrent().forEach((name, document) -> documents.put("v1/" + name, document));

        for (Map.Entry<String, JsonNode> document : documents.entrySet()) {
            String schema = document.getKey().substring(3).replace("-claim-check-object", "-message").replace("-claim-check", "")
                    + ".schema.json";
            assertEquals(List.of(), shapes.problems(document.getValue(), schema), document.getKey() + " against " + schema);
        }
    }

    @Test
    void aChunkWithAuthAndTheNewPaginateFieldsAndAnEntryWithANextTokenHaveTheirSchemasShapeAndComeBackWhole() throws IOException {
        Chunk sample = ContractSamples.chunk();
        java.util.List<dev.fetchfleet.job.RequestSpec> requests = new java.util.ArrayList<>(sample.requests());
        requests.set(1, requests.get(1).withPaginate(new dev.fetchfleet.job.Paginate("offset", null, "paging.offset", 1, null,
                "paging.limit", 50, 9, List.of(), new dev.fetchfleet.job.Paginate.Stop("has_more", com.fasterxml.jackson.databind.node.BooleanNode.FALSE),
                "meta.total", "body", null)));
        requests.set(0, requests.get(0).withPaginate(new dev.fetchfleet.job.Paginate("cursor", "X-Next", "X-Cursor", 1, null,
                "limit", 100, 9, List.of(), null, null, "header", "header")));
        Chunk chunk = new Chunk(sample.run(), sample.index(), sample.chunkCount(), sample.lanes(), sample.fetch().withAuth(
                new dev.fetchfleet.job.Auth.OAuth2("refresh_token", java.net.URI.create("https://auth.example.com/t"), "{{ssm:/id}}",
                        "{{secretsmanager:secret}}", "read", "body", "{{secretsmanager:refresh}}")), requests);
        ChunkMessages messages = new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
        String encoded = messages.encode(chunk);
        CheckpointEntry entry = new CheckpointEntry(ContractSamples.record(), "https://api.example.com/search", "c-2");
        JsonNode line = mapper.readTree(bronze.encodeLine(entry));

        assertEquals(List.of(), shapes.problems(mapper.readTree(encoded), "chunk-message.schema.json"));
        assertEquals(List.of(), shapes.problems(line, "checkpoint-entry.schema.json"));
        assertEquals(chunk, messages.decode(encoded));
        assertEquals(entry, mapper.treeToValue(line, CheckpointEntry.class));
        assertEquals(2, line.get(WireFormat.FIELD).asInt());
    }

    @Test
    void aSummaryCarriedInAPartsMetadataIsAVersionedPartSummary() throws IOException {
        bronze.writePart(ContractSamples.RUN, 0, List.of(ContractSamples.record()));
        RunCompletion completion = new RunCompletion(store, mapper, Clock.systemUTC());
        PartSummary summary = completion.summarise(ContractSamples.RUN, 0, ContractSamples.currentManifest());
        JsonNode carried = mapper.readTree(completion.asMetadata(summary).get(RunCompletion.SUMMARY_METADATA));

        assertEquals(1, carried.path(WireFormat.FIELD).asInt(-1), carried.toString());
        assertEquals(List.of(), shapes.problems(carried, "part-summary.schema.json"), carried.toString());
        assertRefused(store.locate(ContractSamples.RUN.partKey(0)) + ": part summary format 2 is newer", () -> completion.carried(ContractSamples.RUN.partKey(0),
                Map.of(RunCompletion.SUMMARY_METADATA, withVersion(carried, 2).toString())));
    }

    @Test
    void theShapeCheckFindsAMissingRequiredAndAnUnlistedProperty() throws IOException {
        ObjectNode record = (ObjectNode) mapper.readTree(v0("bronze-record.jsonl"));
        record.remove("url");
        record.put("renamed_url", "https://api.example.com/");

        assertEquals(List.of("$ lacks required url", "$.renamed_url is not in the schema"), shapes.problems(record, "bronze-record.schema.json"));
        ObjectNode entry = (ObjectNode) mapper.readTree(v0("checkpoint-entry.jsonl"));
        ((ObjectNode) entry.get("record")).put("extra", 1);
        assertEquals(List.of("$.record.extra is not in the schema"), shapes.problems(entry, "checkpoint-entry.schema.json"));
    }

    @Test
    void eachSchemaListsTheVersionFieldAndNoneRequiresIt() {
        for (String schema : List.of("chunk-message", "bronze-record", "checkpoint-entry", "manifest", "success", "state",
                "part-summary")) {
            JsonNode root = shapes.schema(schema + ".schema.json");
            assertEquals("https://json-schema.org/draft/2020-12/schema", root.get("$schema").asText(), schema);
            assertTrue(root.get("properties").has(WireFormat.FIELD), schema);
            assertFalse(root.get("required").toString().contains(WireFormat.FIELD), schema + ": documents from before versions have none");
        }
    }

    /** Each document as this code writes it, through its real writer; the bronze part and checkpoint stay in the store. */
    private Map<String, JsonNode> writeCurrent() throws IOException {
        Map<String, JsonNode> written = new LinkedHashMap<>();
        written.put("chunk-message", mapper.readTree(
                new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES).encode(ContractSamples.chunk())));
        written.put("chunk-message-claim-check", mapper.readTree(new ChunkMessages(mapper, store, 300).encode(ContractSamples.chunk())));
        written.put("chunk-claim-check-object", mapper.readTree(store.get(ContractSamples.RUN.claimCheckKey(1)).orElseThrow()));
        written.put("bronze-record", mapper.readTree(bronze.encodeLine(ContractSamples.record())));
        written.put("checkpoint-entry", mapper.readTree(bronze.encodeLine(ContractSamples.checkpointEntry())));
        store.put(CHECKPOINT_KEY, bronze.encodeLines(List.of(ContractSamples.checkpointEntry()), false));
        new RunFiles(store, mapper).writeJob(ContractSamples.RUN, ContractSamples.manifest().job());
        new RunFiles(store, mapper).writeManifest(ContractSamples.currentManifest());
        written.put("manifest", mapper.readTree(store.get(ContractSamples.RUN.manifestKey()).orElseThrow()));
        new DispatchProgress.Writer(store, mapper, Clock.fixed(Instant.parse("2026-11-30T01:00:01Z"), ZoneOffset.UTC),
                ContractSamples.RUN, 1).finished(1, 0);
        written.put("dispatch-progress", mapper.readTree(store.get(DispatchProgress.key(ContractSamples.RUN)).orElseThrow()));
        written.put("chunk-range", mapper.readTree(new RangeExpander(mapper, store, null, null, null).encode(ContractSamples.range())));
        bronze.writePart(ContractSamples.RUN, 0, List.of(ContractSamples.record()));
        Clock clock = Clock.fixed(Instant.parse("2026-11-30T01:05:00.25Z"), ZoneOffset.UTC);
        assertTrue(new RunCompletion(store, mapper, clock).completeIfDone(ContractSamples.RUN).isPresent(), "the one-chunk run completes");
        written.put("success", mapper.readTree(store.get(ContractSamples.RUN.successKey()).orElseThrow()));
        written.put("part-summary", mapper.readTree(store.get(ContractSamples.RUN.summaryKey(0)).orElseThrow()));
        new StateStore(store, mapper).advance("posts", "since", "2026-11-30T00:00:00.5+01:00", "2026-11-30T01:00:00.456Z", "run-1");
        written.put("state", mapper.readTree(store.get(SourceState.key("posts")).orElseThrow()));
        return written;
    }

    private static ObjectNode withVersion(JsonNode document, int version) {
        ObjectNode copy = document.deepCopy();
        copy.put(WireFormat.FIELD, version);
        return copy;
    }

    private static void assertRefused(String expectedStart, Executable read) {
        WireFormat.Refused refused = assertThrows(WireFormat.Refused.class, read);
        assertTrue(refused.getMessage().startsWith(expectedStart), refused.getMessage());
    }

    private static byte[] v0(String name) throws IOException {
        try (InputStream in = ContractFixturesTest.class.getResourceAsStream("/contracts/v0/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture contracts/v0/" + name);
            }
            return in.readAllBytes();
        }
    }

    private static String v0Text(String name) throws IOException {
        return new String(v0(name), StandardCharsets.UTF_8).strip();
    }
}
