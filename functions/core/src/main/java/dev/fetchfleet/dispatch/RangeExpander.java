package dev.fetchfleet.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fetchfleet.WireFormat;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestListExpander;
import dev.fetchfleet.plan.ChunkMessages;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns a range message into its chunk messages, on a worker: reads the run's job (once per run and
 * worker), cuts the range's chunks from its slice of the request list and sends them to the chunk queue.
 * Sending a range twice (a redelivery) sends its chunks twice, which costs a duplicate message and no
 * duplicate record: a chunk's part key depends only on run and chunk, and a worker skips a chunk whose part exists.
 */
public final class RangeExpander {

    private final ObjectMapper mapper;
    private final BronzeStore store;
    private final JobParser parser;
    private final ChunkStream chunks;
    private String cachedKey;
    private Job cachedJob;

    public RangeExpander(ObjectMapper mapper, BronzeStore store, RequestListExpander expander, ChunkMessages messages,
                         ChunkQueue queue) {
        this.mapper = mapper;
        this.store = store;
        this.parser = new JobParser(mapper);
        this.chunks = new ChunkStream(expander, messages, queue);
    }

    /** Whether a message on the chunk queue is a range (else it is a chunk); a body that is not JSON is a chunk's problem. */
    public static boolean isRange(ObjectMapper mapper, String body) {
        try {
            JsonNode node = mapper.readTree(body);
            return node != null && node.has("range");
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends the range's chunks; returns how many. */
    public int expand(String body) {
        ChunkRange range = decode(body);
        Job job = job(range);
        int sent = chunks.send(job, range.run(), range.layout(), range.requests(), range.firstChunk(), range::wanted, n -> {});
        store.put(ChunkRange.sentKey(range.run(), range.index()), Integer.toString(sent).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return sent;
    }

    public String encode(ChunkRange range) {
        try {
            ObjectNode node = WireFormat.CHUNK_RANGE.stamp(mapper.createObjectNode());
            node.set("range", mapper.valueToTree(range));
            return mapper.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ChunkRange decode(String body) {
        try {
            JsonNode node = WireFormat.CHUNK_RANGE.check(mapper.readTree(body));
            return mapper.treeToValue(node.get("range"), ChunkRange.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a FetchFleet range message: " + e.getMessage(), e);
        }
    }

    private synchronized Job job(ChunkRange range) {
        String key = range.jobKey();
        if (!key.equals(cachedKey)) {
            byte[] bytes = store.get(key).orElseThrow(() -> new IllegalStateException("the run's job is missing: " + store.locate(key)));
            // As of the run's start, as the dispatcher parsed it: "to": "now" must not reach past it here.
            java.time.Instant startedAt = new dev.fetchfleet.run.RunFiles(store, mapper).readManifest(range.run())
                    .map(dev.fetchfleet.run.Manifest::startedAt)
                    .orElseThrow(() -> new IllegalStateException("the run's manifest is missing: " + store.locate(range.run().manifestKey())));
            try {
                cachedJob = parser.at(startedAt).parse(mapper.readTree(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the run's job at " + store.locate(key), e);
            }
            cachedKey = key;
        }
        return cachedJob;
    }
}
