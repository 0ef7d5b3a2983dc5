package dev.fetchfleet.bronze;

import java.util.List;
import java.util.Optional;

/**
 * A store that hands every call to {@link #store()}: a test's faulty store (a record with a {@code store}
 * component) overrides only the calls it breaks. The interface's own defaults (no metadata kept, deletes
 * one by one) stay as they are, so a wrapper keeps no metadata unless it says so.
 */
public interface ForwardingStore extends BronzeStore {

    BronzeStore store();

    @Override
    default void put(String key, byte[] bytes) {
        store().put(key, bytes);
    }

    @Override
    default boolean putIfAbsent(String key, byte[] bytes) {
        return store().putIfAbsent(key, bytes);
    }

    @Override
    default Optional<byte[]> get(String key) {
        return store().get(key);
    }

    @Override
    default boolean exists(String key) {
        return store().exists(key);
    }

    @Override
    default Optional<Versioned> getVersioned(String key) {
        return store().getVersioned(key);
    }

    @Override
    default boolean putIfVersion(String key, byte[] bytes, String version) {
        return store().putIfVersion(key, bytes, version);
    }

    @Override
    default List<String> list(String prefix) {
        return store().list(prefix);
    }

    @Override
    default void delete(String key) {
        store().delete(key);
    }

    @Override
    default String locate(String key) {
        return store().locate(key);
    }
}
