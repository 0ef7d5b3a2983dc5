package dev.fetchfleet.bronze;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bronze store that counts the requests made through it as S3 bills them ({@link S3Requests}): a LIST
 * per thousand keys listed, a DELETE per thousand keys deleted at once, a HEAD for {@link #exists}.
 * Wraps any store, so the same counts come from a directory, S3Mock, moto or S3.
 */
public final class CountingStore implements BronzeStore {

    /** S3's page of ListObjectsV2 and its limit for DeleteObjects. */
    private static final int PAGE = 1000;

    private final BronzeStore store;
    private final Map<S3Requests.Kind, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

    public CountingStore(BronzeStore store) {
        this.store = store;
    }

    /** What has been counted so far. */
    public S3Requests counted() {
        Map<String, Map<String, Long>> snapshot = new TreeMap<>();
        counts.forEach((kind, targets) -> targets.forEach((target, n) -> {
            if (n.sum() > 0) {
                snapshot.computeIfAbsent(kind.name(), k -> new TreeMap<>()).put(target, n.sum());
            }
        }));
        return new S3Requests(snapshot);
    }

    private void count(S3Requests.Kind kind, String key, long n) {
        counts.computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(S3Requests.target(key), k -> new LongAdder()).add(n);
    }

    @Override
    public void put(String key, byte[] bytes) {
        count(S3Requests.Kind.PUT, key, 1);
        store.put(key, bytes);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] bytes) {
        count(S3Requests.Kind.PUT, key, 1);
        return store.putIfAbsent(key, bytes);
    }

    @Override
    public boolean putIfAbsent(String key, Upload upload) {
        count(S3Requests.Kind.PUT, key, 1);
        return store.putIfAbsent(key, upload);
    }

    @Override
    public boolean putIfAbsent(String key, Upload upload, Map<String, String> metadata) {
        count(S3Requests.Kind.PUT, key, 1);
        return store.putIfAbsent(key, upload, metadata);
    }

    @Override
    public boolean keepsMetadata() {
        return store.keepsMetadata();
    }

    @Override
    public Optional<Map<String, String>> head(String key) {
        count(S3Requests.Kind.HEAD, key, 1);
        return store.head(key);
    }

    @Override
    public Optional<byte[]> get(String key) {
        count(S3Requests.Kind.GET, key, 1);
        return store.get(key);
    }

    @Override
    public InputStream open(String key) {
        count(S3Requests.Kind.GET, key, 1);
        return store.open(key);
    }

    @Override
    public boolean exists(String key) {
        count(S3Requests.Kind.HEAD, key, 1);
        return store.exists(key);
    }

    @Override
    public Optional<Versioned> getVersioned(String key) {
        count(S3Requests.Kind.GET, key, 1);
        return store.getVersioned(key);
    }

    @Override
    public boolean putIfVersion(String key, byte[] bytes, String version) {
        count(S3Requests.Kind.PUT, key, 1);
        return store.putIfVersion(key, bytes, version);
    }

    @Override
    public List<String> list(String prefix) {
        List<String> keys = store.list(prefix);
        count(S3Requests.Kind.LIST, prefix, Math.max(1, (keys.size() + PAGE - 1) / PAGE));
        return keys;
    }

    @Override
    public void delete(String key) {
        count(S3Requests.Kind.DELETE, key, 1);
        store.delete(key);
    }

    @Override
    public void deleteAll(List<String> keys) {
        if (!keys.isEmpty()) {
            count(S3Requests.Kind.DELETE, keys.getFirst(), (keys.size() + PAGE - 1) / PAGE);
        }
        store.deleteAll(keys);
    }

    @Override
    public String locate(String key) {
        return store.locate(key);
    }
}
