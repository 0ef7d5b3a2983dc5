package dev.fetchfleet.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** A run's own files beside its parts: {@code _manifest.json}, written first, and {@code _SUCCESS}, written last. */
public final class RunFiles {

    private final BronzeStore store;
    private final ObjectMapper mapper;

    public RunFiles(BronzeStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
    }

    /** The manifest, and the run-id index that finds it again. */
    public void writeManifest(Manifest manifest) {
        store.put(manifest.run().manifestKey(), toJson(manifest));
        new BronzeWriter(store, mapper).indexRun(manifest.run());
    }

    public Optional<Manifest> readManifest(RunRef run) {
        return store.get(run.manifestKey()).map(bytes -> fromJson(bytes, Manifest.class));
    }

    public Manifest manifest(RunRef run) {
        return readManifest(run).orElseThrow(() -> new IllegalStateException("no manifest at " + store.locate(run.manifestKey())));
    }

    public Optional<Success> readSuccess(RunRef run) {
        return store.get(run.successKey()).map(bytes -> fromJson(bytes, Success.class));
    }

    /** Writes {@code _SUCCESS} unless it exists; false when another writer was first. */
    boolean writeSuccessIfAbsent(RunRef run, Success success) {
        return store.putIfAbsent(run.successKey(), toJson(success));
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
