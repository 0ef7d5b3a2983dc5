package dev.fetchfleet.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.WireFormat;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.RunRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code _dispatch.json} beside the manifest: how far the dispatcher got in sending a run's chunks (or the
 * range messages that stand for them), so {@code status} can show a dispatch of millions as it goes. Written
 * after a batch at most every {@link #EVERY_MILLIS} ms by the dispatcher's clock, and once at the end.
 *
 * @param chunksSent chunks sent, or handed to range messages already sent
 * @param rangesSent range messages sent (0 when the dispatcher sent the chunks itself)
 */
public record DispatchProgress(
        @JsonProperty("chunks") int chunks,
        @JsonProperty("chunks_sent") int chunksSent,
        @JsonProperty("ranges_sent") int rangesSent,
        @JsonProperty("finished") boolean finished,
        @JsonProperty("updated_at") Instant updatedAt) {

    static final long EVERY_MILLIS = 2_000;

    public static String key(RunRef run) {
        return run.prefix() + "_dispatch.json";
    }

    public static Optional<DispatchProgress> read(BronzeStore store, ObjectMapper mapper, RunRef run) {
        return store.get(key(run)).map(bytes -> {
            try {
                return mapper.treeToValue(WireFormat.DISPATCH_PROGRESS.check(mapper.readTree(bytes)), DispatchProgress.class);
            } catch (WireFormat.Refused refused) {
                throw refused.at(store.locate(key(run)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Writes a run's progress as the dispatcher sends. */
    public static final class Writer {
        private final BronzeStore store;
        private final ObjectMapper mapper;
        private final java.time.Clock clock;
        private final RunRef run;
        private final int chunks;
        private Instant lastWrite = Instant.MIN;

        public Writer(BronzeStore store, ObjectMapper mapper, java.time.Clock clock, RunRef run, int chunks) {
            this.store = store;
            this.mapper = mapper;
            this.clock = clock;
            this.run = run;
            this.chunks = chunks;
        }

        public void chunksSent(int sent) {
            sent(sent, 0, false);
        }

        public void rangesSent(int ranges, int chunksInThem) {
            sent(chunksInThem, ranges, false);
        }

        public void finished(int chunksSent, int ranges) {
            sent(chunksSent, ranges, true);
        }

        private void sent(int chunksSent, int ranges, boolean finished) {
            Instant now = clock.instant();
            if (!finished && now.isBefore(lastWrite.plusMillis(EVERY_MILLIS))) {
                return;
            }
            lastWrite = now;
            try {
                store.put(key(run), mapper.writeValueAsBytes(WireFormat.DISPATCH_PROGRESS.stamp(
                        mapper.valueToTree(new DispatchProgress(chunks, chunksSent, ranges, finished, now)))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
