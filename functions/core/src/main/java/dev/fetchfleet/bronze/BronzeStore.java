package dev.fetchfleet.bronze;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
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

    /**
     * As {@link #putIfAbsent(String, byte[])}, for an object read from a stream. The default reads it
     * into memory; stores that can stream (S3, a directory) do so.
     */
    default boolean putIfAbsent(String key, Upload upload) {
        try (InputStream in = upload.source().open()) {
            return putIfAbsent(key, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read what is to be written to " + locate(key), e);
        }
    }

    /**
     * S3's limit on an object's user metadata: names and values together, in bytes. Metadata past it is
     * refused, so a writer that would pass it writes what it wanted to say as an object of its own.
     */
    int METADATA_BYTES = 2048;

    /**
     * Whether {@link #putIfAbsent(String, Upload, Map)} keeps the metadata with the object (S3's
     * {@code x-amz-meta-*}, a directory's sidecar file). A store that does not (the default, a wrapper
     * that does not pass it on) writes the object without it, and whoever wanted it said must say it elsewhere.
     */
    default boolean keepsMetadata() {
        return false;
    }

    /**
     * As {@link #putIfAbsent(String, Upload)}, the object carrying {@code metadata} (lower-case ASCII names,
     * ASCII values, at most {@link #METADATA_BYTES} in all) when the store {@link #keepsMetadata() keeps it};
     * it comes and goes with the object, so a reader never sees one without the other.
     */
    default boolean putIfAbsent(String key, Upload upload, Map<String, String> metadata) {
        return putIfAbsent(key, upload);
    }

    /**
     * What a HEAD says of an object: empty when there is none, else its user metadata (an empty map when it
     * has none, or the store keeps none).
     */
    default Optional<Map<String, String>> head(String key) {
        return exists(key) ? Optional.of(Map.of()) : Optional.empty();
    }

    /** An object's bytes as a stream, for objects too large to hold at once. The default reads them into memory. */
    default InputStream open(String key) {
        return new ByteArrayInputStream(get(key).orElseThrow(() -> new IllegalStateException("no object at " + locate(key))));
    }

    boolean exists(String key);

    /** An object's bytes with a version that changes whenever the object does (an S3 ETag, a content hash). */
    record Versioned(byte[] bytes, String version) {}

    Optional<Versioned> getVersioned(String key);

    /**
     * Writes only if the object is still at {@code version} ({@code null}: only if there is none yet);
     * false when someone else wrote it in between. The compare-and-set that keeps concurrent updates.
     */
    boolean putIfVersion(String key, byte[] bytes, String version);

    /** Keys under a prefix, relative to the root, in lexical order. */
    List<String> list(String prefix);

    void delete(String key);

    /** Deletes many keys; S3 does a thousand in one call, which matters for a chunk's many checkpoint segments. */
    default void deleteAll(List<String> keys) {
        keys.forEach(this::delete);
    }

    /** The full location of a key, for messages: {@code s3://bucket/prefix/key} or a file path. */
    String locate(String key);
}
