package dev.fetchfleet.local;

import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriteException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The local fleet's bronze store, remembering the first write that failed for good (a full disk, a read-only
 * or blocked directory), so the run stops with that cause instead of redelivering each chunk into the DLQ.
 */
final class BronzeWriteWatch implements BronzeStore {

    private final BronzeStore store;
    private final AtomicReference<BronzeWriteException> first = new AtomicReference<>();

    BronzeWriteWatch(BronzeStore store) {
        this.store = store;
    }

    /** The first failed write of this store, if any. */
    Optional<BronzeWriteException> failure() {
        return Optional.ofNullable(first.get());
    }

    private <T> T watched(java.util.function.Supplier<T> write) {
        try {
            return write.get();
        } catch (BronzeWriteException e) {
            first.compareAndSet(null, e);
            throw e;
        }
    }

    @Override
    public void put(String key, byte[] bytes) {
        watched(() -> {
            store.put(key, bytes);
            return null;
        });
    }

    @Override
    public boolean putIfAbsent(String key, byte[] bytes) {
        return watched(() -> store.putIfAbsent(key, bytes));
    }

    @Override
    public boolean putIfAbsent(String key, dev.fetchfleet.bronze.Upload upload) {
        return watched(() -> store.putIfAbsent(key, upload));
    }

    @Override
    public boolean putIfAbsent(String key, dev.fetchfleet.bronze.Upload upload, java.util.Map<String, String> metadata) {
        return watched(() -> store.putIfAbsent(key, upload, metadata));
    }

    @Override
    public boolean keepsMetadata() {
        return store.keepsMetadata();
    }

    @Override
    public Optional<java.util.Map<String, String>> head(String key) {
        return store.head(key);
    }

    @Override
    public boolean putIfVersion(String key, byte[] bytes, String version) {
        return watched(() -> store.putIfVersion(key, bytes, version));
    }

    @Override
    public Optional<byte[]> get(String key) {
        return store.get(key);
    }

    @Override
    public boolean exists(String key) {
        return store.exists(key);
    }

    @Override
    public Optional<Versioned> getVersioned(String key) {
        return store.getVersioned(key);
    }

    @Override
    public List<String> list(String prefix) {
        return store.list(prefix);
    }

    @Override
    public void delete(String key) {
        store.delete(key);
    }

    @Override
    public void deleteAll(List<String> keys) {
        store.deleteAll(keys);
    }

    @Override
    public String locate(String key) {
        return store.locate(key);
    }
}
