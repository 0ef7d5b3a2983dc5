package dev.fetchfleet.work;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.Paginate;
import dev.fetchfleet.job.RequestSpec;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.RunEstimate;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.dispatch.ChunkRange;
import dev.fetchfleet.job.RequestRange;
import dev.fetchfleet.plan.FleetLayout;
import dev.fetchfleet.run.Success;
import dev.fetchfleet.state.SourceState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One value of each wire document, every field set: what the contract fixtures hold, written by the code of their version. */
final class ContractSamples {

    static final RunRef RUN = new RunRef("posts", "2026-11-30", "run-1");
    private static final ObjectMapper MAPPER = Json.newMapper();

    private ContractSamples() {}

    static Chunk chunk() {
        Map<String, String> headers = Map.of("X-Api-Key", "{{ssm:/posts/api-key}}", "Accept", "application/json");
        List<RequestSpec> requests = List.of(
                new RequestSpec("feed", "GET", URI.create("https://api.example.com/feed?x=%20y"), headers, null)
                        .withPaginate(new Paginate("cursor", "meta.next", "after", 1, "items", "limit", 100, 9, List.of("cdn.example.com"))),
                new RequestSpec("search", "POST", URI.create("https://api.example.com/search"), headers, json("{\"q\": \"x\", \"n\": [1, 2.5, null]}")),
                new RequestSpec("note", "PUT", URI.create("https://api.example.com/notes/1"), Map.of(), TextNode.valueOf("note ü")));
        FetchConfig fetch = new FetchConfig(64, new FetchConfig.PerHost(8, 12.5),
                Map.of("api.example.com", new FetchConfig.PerHost(4, 2)), 20, new FetchConfig.Retry(3, 100, 5_000, true),
                4096, List.of("X-Session"), true, true);
        return new Chunk(RUN, 1, 3, 2, fetch, requests);
    }

    static BronzeRecord record() {
        return new BronzeRecord("run-1", "posts", "feed", "GET", "https://api.example.com/feed?after=c1", 200,
                Map.of("content-type", "application/json", "x-api-key", "[REDACTED]"),
                json("{\"items\": [{\"n\": 1, \"at\": \"2026-11-30T00:00:00.5+01:00\"}], \"meta\": {\"next\": \"c2\"}}"), "json",
                Instant.parse("2026-11-30T01:02:03.123456789Z"), 321, 2, null, 2);
    }

    static CheckpointEntry checkpointEntry() {
        return new CheckpointEntry(record(), "https://api.example.com/feed?after=c2");
    }

    static Manifest manifest() {
        RunEstimate estimate = new RunEstimate(3, 1, 800, 4, 1769, 4, 3, 5, 6, 12.5, 0.75, 4, 0.0123,
                Map.of("thread_pool", new RunEstimate.Alternative(30.5, 0.01, "one machine")), "2026-11-01");
        return new Manifest("run-1", "posts", "2026-11-30", Instant.parse("2026-11-30T01:00:00.456Z"), 3, 1, 50,
                json("{\"source\": \"posts\", \"requests\": [{\"url\": \"https://api.example.com/feed\", "
                        + "\"headers\": {\"X-Api-Key\": \"{{ssm:/posts/api-key}}\"}, \"paginate\": {\"type\": \"cursor\"}}], "
                        + "\"incremental\": {\"itemsPath\": \"items\", \"valuePath\": \"at\"}}"),
                estimate, Map.of("since", "2026-11-29T00:00:00Z"), 2);
    }

    /** The manifest as this code writes it: the job beside it in {@code _job.json}, named and hashed. */
    static Manifest currentManifest() {
        Manifest old = manifest();
        return new Manifest(old.runId(), old.source(), old.ingestDate(), old.startedAt(), old.requests(), old.chunks(),
                old.chunkSize(), null, old.estimate(), old.state(), old.lanes(), RunFiles.jobKey(RUN),
                "4f7c0c8b0d1f2e3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f70");
    }

    static ChunkRange range() {
        return new ChunkRange(RUN, 3, ChunkRange.jobKey(RUN), new FleetLayout(100, 1000, 10), 300, 400,
                new RequestRange(30_000, 40_000, 30_000, 30_004, 2_345_678), List.of(301, 377));
    }

    static Success success() {
        return new Success("run-1", "posts", 3, 5, 1, Map.of("200", 4L, "error", 1L), Instant.parse("2026-11-30T01:00:00.456Z"),
                Instant.parse("2026-11-30T01:05:00.25Z"), 1, new Success.StateMove(false, "held: 1 of 3 requests failed"));
    }

    static SourceState state() {
        return new SourceState("posts", Map.of("since", "2026-11-30T00:00:00.5+01:00"), "2026-11-30T01:00:00.456Z", "run-1");
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
