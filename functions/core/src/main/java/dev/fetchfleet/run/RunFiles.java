package dev.fetchfleet.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.WireFormat;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * A run's own files beside its parts: {@code _manifest.json}, written first, and {@code _SUCCESS}, written
 * last; each with its {@link WireFormat} version, and refused on read when newer than this code knows.
 */
public final class RunFiles {

    private final BronzeStore store;
    private final ObjectMapper mapper;

    public RunFiles(BronzeStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
    }

    /** The manifest, and the run-id index that finds it again. */
    public void writeManifest(Manifest manifest) {
        store.put(manifest.run().manifestKey(), toJson(manifest, WireFormat.MANIFEST));
        new BronzeWriter(store, mapper).indexRun(manifest.run());
    }

    /** Where a run keeps its job, secrets redacted: beside the manifest, which names it. */
    public static String jobKey(RunRef run) {
        return run.prefix() + "_job.json";
    }

    /** The job as written (secrets redacted), before the manifest that names it. */
    public void writeJob(RunRef run, JsonNode redactedJob) {
        try {
            store.put(jobKey(run), mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(redactedJob));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The run's job (secrets redacted): inside a manifest of format 1 and before, else in the object it names. */
    public Optional<JsonNode> job(Manifest manifest) {
        if (manifest.job() != null) {
            return Optional.of(manifest.job());
        }
        if (manifest.jobKey() == null) {
            return Optional.empty();
        }
        return store.get(manifest.jobKey()).map(bytes -> {
            try {
                return mapper.readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the job at " + store.locate(manifest.jobKey()), e);
            }
        });
    }

    public Optional<Manifest> readManifest(RunRef run) {
        return store.get(run.manifestKey()).map(bytes -> fromJson(run.manifestKey(), bytes, Manifest.class, WireFormat.MANIFEST));
    }

    public Manifest manifest(RunRef run) {
        return readManifest(run).orElseThrow(() -> new IllegalStateException("no manifest at " + store.locate(run.manifestKey())));
    }

    public Optional<Success> readSuccess(RunRef run) {
        return store.get(run.successKey()).map(bytes -> fromJson(run.successKey(), bytes, Success.class, WireFormat.SUCCESS));
    }

    /** Writes {@code _SUCCESS} unless it exists; false when another writer was first. */
    boolean writeSuccessIfAbsent(RunRef run, Success success) {
        return store.putIfAbsent(run.successKey(), toJson(success, WireFormat.SUCCESS));
    }

    private byte[] toJson(Object value, WireFormat format) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(format.stamp(mapper.valueToTree(value)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T fromJson(String key, byte[] bytes, Class<T> type, WireFormat format) {
        try {
            return mapper.treeToValue(format.check(mapper.readTree(bytes)), type);
        } catch (WireFormat.Refused refused) {
            throw refused.at(store.locate(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + type.getSimpleName(), e);
        }
    }
}
