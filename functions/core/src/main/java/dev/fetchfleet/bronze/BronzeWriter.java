package dev.fetchfleet.bronze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.job.FailureTolerance;
import dev.fetchfleet.state.StateStore;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Writes and reads the bronze contract: gzip JSON Lines parts, {@code _manifest.json} and {@code _SUCCESS}. */
public final class BronzeWriter {

    private final BronzeStore store;
    private final ObjectMapper mapper;
    private final Clock clock;

    public BronzeWriter(BronzeStore store, ObjectMapper mapper, Clock clock) {
        this.store = store;
        this.mapper = mapper;
        this.clock = clock;
    }

    public BronzeStore store() {
        return store;
    }

    /** The manifest, and the run-id index that finds it again. */
    public void writeManifest(Manifest manifest) {
        store.put(manifest.run().manifestKey(), toJson(manifest));
        store.put(RunRef.indexKey(manifest.source(), manifest.runId()), toJson(manifest.run()));
    }

    /** The run a run id names, if a dispatcher ever wrote its manifest. */
    public Optional<RunRef> findRun(String source, String runId) {
        return store.get(RunRef.indexKey(source, runId)).map(bytes -> fromJson(bytes, RunRef.class));
    }

    /** The chunks of a run that have checkpoint segments: unfinished, or finished by a worker that died before cleaning up. */
    public SortedSet<Integer> chunksWithCheckpoints(RunRef run) {
        SortedSet<Integer> chunks = new TreeSet<>();
        String prefix = run.checkpointsPrefix();
        for (String key : store.list(prefix)) {
            String rest = key.substring(prefix.length());
            if (rest.startsWith("chunk-") && rest.indexOf('/') > 0) {
                chunks.add(Integer.parseInt(rest.substring("chunk-".length(), rest.indexOf('/'))));
            }
        }
        return chunks;
    }

    public Optional<Manifest> readManifest(RunRef run) {
        return store.get(run.manifestKey()).map(bytes -> fromJson(bytes, Manifest.class));
    }

    public Optional<Success> readSuccess(RunRef run) {
        return store.get(run.successKey()).map(bytes -> fromJson(bytes, Success.class));
    }

    /** One object per chunk, written whole: a redelivered chunk rewrites the same key. */
    public void writePart(RunRef run, int chunk, List<BronzeRecord> records) {
        store.put(run.partKey(chunk), encodePart(records));
    }

    public byte[] encodePart(List<BronzeRecord> records) {
        return encodeLines(records);
    }

    /** Gzip JSON Lines, the format of parts and of sealed checkpoint segments. */
    public byte[] encodeLines(List<?> values) {
        return encodeLines(values, true);
    }

    /**
     * JSON Lines, gzipped or not: a checkpoint's small segments, a few records each and written
     * hundreds of times a second, skip gzip (a deflater's setup costs more than it saves on them).
     */
    public byte[] encodeLines(List<?> values, boolean gzipped) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, values.size() * 512));
        try (OutputStream out = gzipped ? new GZIPOutputStream(bytes, 64 * 1024) : bytes) {
            for (Object value : values) {
                out.write(mapper.writeValueAsBytes(value));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode JSON lines", e);
        }
        return bytes.toByteArray();
    }

    public List<BronzeRecord> readPart(String key) {
        return readLines(key, BronzeRecord.class);
    }

    /** JSON Lines, gzipped (by its magic bytes) or not. */
    public <T> List<T> readLines(String key, Class<T> type) {
        byte[] bytes = store.get(key).orElseThrow(() -> new IllegalStateException("no object at " + store.locate(key)));
        List<T> values = new ArrayList<>();
        boolean gzipped = bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        java.io.InputStream in = new ByteArrayInputStream(bytes);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                gzipped ? new GZIPInputStream(in) : in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    values.add(mapper.readValue(line, type));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + store.locate(key), e);
        }
        return values;
    }

    public List<String> partKeys(RunRef run) {
        return store.list(run.prefix() + "part-").stream().filter(k -> k.endsWith(".jsonl.gz")).toList();
    }

    /**
     * Writes {@code _SUCCESS} if every part of the run now exists and nobody wrote it yet. Any worker
     * may call this after its part; the conditional write makes exactly one of them the writer, and only
     * that one moves the source's state: forward, and only when no more requests failed than the job's
     * {@code incremental.tolerateFailures} allows, so the next run asks again for what this one missed.
     */
    public Optional<Success> completeIfDone(RunRef run) {
        Manifest manifest = readManifest(run)
                .orElseThrow(() -> new IllegalStateException("no manifest at " + store.locate(run.manifestKey())));
        List<String> parts = partKeys(run);
        if (parts.size() < manifest.chunks() || store.exists(run.successKey())) {
            return Optional.empty();
        }
        Map<String, Long> counts = new TreeMap<>();
        Set<String> requestIds = new HashSet<>();
        Set<String> failedIds = new HashSet<>();
        long noAnswer = 0;
        long refused = 0;
        long cut = 0;
        long records = 0;
        JsonNode incremental = manifest.job() == null ? null : manifest.job().get("incremental");
        String itemsPath = incremental == null ? null : incremental.path("itemsPath").asText(null);
        String valuePath = incremental == null ? null : incremental.path("valuePath").asText(null);
        FailureTolerance tolerance = incremental == null ? FailureTolerance.NONE
                : FailureTolerance.read(incremental.get("tolerateFailures"), "$.incremental.tolerateFailures", new ArrayList<>());
        String largest = null;
        for (String part : parts) {
            List<BronzeRecord> partRecords = readPart(part);
            for (BronzeRecord record : partRecords) {
                counts.merge(record.statusKey(), 1L, Long::sum);
                requestIds.add(record.requestId());
                records++;
                if (record.failed()) {
                    failedIds.add(record.requestId());
                    if (record.status() == null) {
                        noAnswer++;
                    } else if (record.status() == 429 || record.status() >= 500) {
                        refused++;
                    } else {
                        cut++;
                    }
                }
            }
            if (itemsPath != null && valuePath != null) {
                largest = StateStore.larger(largest, StateStore.largest(partRecords, itemsPath, valuePath).orElse(null));
            }
        }
        long failed = failedIds.size();
        boolean moves = tolerance.allows(failed, requestIds.size());
        String failures = failed + " of " + requestIds.size() + " requests failed (" + noAnswer + " records without an answer, "
                + refused + " with a 5xx or 429 after their retries, " + cut + " ending a chain early)";
        Success.StateMove move = failed == 0
                ? new Success.StateMove(true, "no request failed")
                : moves
                ? new Success.StateMove(true, failures + ", within incremental.tolerateFailures (" + tolerance + ")")
                : new Success.StateMove(false, "held: " + failures + ", more than incremental.tolerateFailures ("
                + tolerance + ") allows; the next run starts from the same state");
        Success success = new Success(run.runId(), run.source(), requestIds.size(), records, manifest.chunks(), counts,
                manifest.startedAt(), clock.instant(), failed, move);
        if (!store.putIfAbsent(run.successKey(), toJson(success))) {
            return Optional.empty();
        }
        if (move.advanced()) {
            new StateStore(store, mapper).advance(run.source(),
                    incremental == null ? null : incremental.path("name").asText("since"), largest,
                    manifest.startedAt().toString(), run.runId());
        }
        return Optional.of(success);
    }

    private byte[] toJson(Object value) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T fromJson(byte[] bytes, Class<T> type) {
        try {
            return mapper.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + type.getSimpleName(), e);
        }
    }
}
