package dev.fetchfleet.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fetchfleet.WireFormat;
import dev.fetchfleet.bronze.BronzeStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes a chunk as an SQS message body and back. A chunk whose body would pass SQS's size limit is
 * stored as a claim-check object in the bronze store, and the message carries only its key. Message and
 * claim-check object carry {@link WireFormat#CHUNK_MESSAGE}'s version: a worker refuses one newer than it
 * reads, and the chunk fails with that error (handed back, then parked in the dead-letter queue).
 */
public final class ChunkMessages {

    /** SQS's message size limit (256 KiB), less room for attributes. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 250 * 1024;

    /**
     * Above this many chunks a run is dispatched as range messages of this many chunks each, which workers
     * cut into chunk messages: 100 ranges of 100 chunks for a million requests of 100.
     */
    public static final int CHUNKS_PER_RANGE = 100;

    private final ObjectMapper mapper;
    private final BronzeStore store;
    private final int maxMessageBytes;

    public ChunkMessages(ObjectMapper mapper, BronzeStore store, int maxMessageBytes) {
        this.mapper = mapper;
        this.store = store;
        this.maxMessageBytes = maxMessageBytes;
    }

    public String encode(Chunk chunk) {
        try {
            byte[] body = mapper.writeValueAsBytes(WireFormat.CHUNK_MESSAGE.stamp(mapper.valueToTree(chunk)));
            if (body.length <= maxMessageBytes) {
                return new String(body, StandardCharsets.UTF_8);
            }
            String key = chunk.run().claimCheckKey(chunk.name());
            store.put(key, body);
            ObjectNode pointer = WireFormat.CHUNK_MESSAGE.stamp(mapper.createObjectNode());
            pointer.set("run", mapper.valueToTree(chunk.run()));
            pointer.put("index", chunk.index());
            pointer.put("chunkCount", chunk.chunkCount());
            pointer.put("claimCheck", key);
            return mapper.writeValueAsString(pointer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode chunk " + chunk.index(), e);
        }
    }

    /**
     * @throws WireFormat.Refused when the message, or its claim-check object, is of a format newer than this worker reads
     */
    public Chunk decode(String body) {
        try {
            JsonNode node = WireFormat.CHUNK_MESSAGE.check(mapper.readTree(body));
            JsonNode claim = node.get("claimCheck");
            if (claim != null && claim.isTextual()) {
                byte[] stored = store.get(claim.asText()).orElseThrow(() ->
                        new IllegalStateException("claim-check object missing: " + store.locate(claim.asText())));
                JsonNode chunk = mapper.readTree(stored);
                try {
                    WireFormat.CHUNK_MESSAGE.check(chunk);
                } catch (WireFormat.Refused refused) {
                    throw refused.at(store.locate(claim.asText()));
                }
                return mapper.treeToValue(chunk, Chunk.class);
            }
            return mapper.treeToValue(node, Chunk.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a FetchFleet chunk message: " + e.getMessage(), e);
        }
    }
}
