package dev.fetchfleet.bronze;

import java.util.List;
import java.util.Optional;

/**
 * Where bronze objects live: an S3 prefix or a local directory. Keys are relative to the bronze root
 * and use '/' whatever the store.
 */
public interface BronzeStore {

    void put(String key, byte[] bytes);

    /** Writes only if no object has the key; true when this call wrote it. */
    boolean putIfAbsent(String key, byte[] bytes);

    Optional<byte[]> get(String key);

    boolean exists(String key);

    /** Keys under a prefix, relative to the root, in lexical order. */
    List<String> list(String prefix);

    void delete(String key);

    /** The full location of a key, for messages: {@code s3://bucket/prefix/key} or a file path. */
    String locate(String key);
}
