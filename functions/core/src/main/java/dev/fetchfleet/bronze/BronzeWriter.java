package dev.fetchfleet.bronze;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes and reads bronze itself: gzip JSON Lines parts, the run-id index and checkpoint listings. It
 * knows nothing of plans, state or when a run is complete ({@code dev.fetchfleet.run} does).
 */
public final class BronzeWriter {

    private final BronzeStore store;
    private final ObjectMapper mapper;

    public BronzeWriter(BronzeStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
    }

    public BronzeStore store() {
        return store;
    }

    /** The run-id index entry that finds a run again by its id (written with its manifest). */
    public void indexRun(RunRef run) {
        store.put(RunRef.indexKey(run.source(), run.runId()), toJson(run));
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
        List<T> values = new ArrayList<>();
        forEachLine(key, type, values::add);
        return values;
    }

    /**
     * Each line of a JSON Lines object, gzipped or not, read as it streams in: one value in memory at a
     * time, however large the object.
     */
    public <T> void forEachLine(String key, Class<T> type, java.util.function.Consumer<T> each) {
        try (java.io.InputStream raw = new java.io.BufferedInputStream(store.open(key), 64 * 1024)) {
            raw.mark(2);
            boolean gzipped = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    gzipped ? new GZIPInputStream(raw, 64 * 1024) : raw, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        each.accept(mapper.readValue(line, type));
                    }
                }
            }
        } catch (IOException e) {
            // A line of a newer format than this code reads: say so, not "cannot read" (Jackson wraps it).
            dev.fetchfleet.WireFormat.Refused refused = dev.fetchfleet.WireFormat.Refused.in(e);
            if (refused != null) {
                throw refused.at(store.locate(key));
            }
            throw new UncheckedIOException("cannot read " + store.locate(key), e);
        }
    }

    /** One value as a JSON line, newline included. */
    public byte[] encodeLine(Object value) {
        // Into Jackson's segmented builder, newline included: one copy of a large record, not three.
        try (com.fasterxml.jackson.core.util.ByteArrayBuilder line = new com.fasterxml.jackson.core.util.ByteArrayBuilder()) {
            mapper.writer().without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(line, value);
            line.write('\n');
            return line.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a JSON line", e);
        }
    }

    public List<String> partKeys(RunRef run) {
        return store.list(run.prefix() + "part-").stream().filter(k -> k.endsWith(".jsonl.gz")).toList();
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
