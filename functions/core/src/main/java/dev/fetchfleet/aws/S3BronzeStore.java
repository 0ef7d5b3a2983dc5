package dev.fetchfleet.aws;

import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.Upload;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Bronze under an S3 prefix. Failed calls are retried by the SDK's standard retry policy. */
public final class S3BronzeStore implements BronzeStore {

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    /** {@code prefix} may be empty; otherwise keys are stored as {@code prefix/key}. */
    public S3BronzeStore(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        String trimmed = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
        this.prefix = trimmed.isEmpty() ? "" : trimmed + "/";
    }

    private String objectKey(String key) {
        return prefix + key;
    }

    @Override
    public void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(bucket).key(objectKey(key)), RequestBody.fromBytes(bytes));
    }

    @Override
    public boolean putIfAbsent(String key, byte[] bytes) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(objectKey(key)).ifNoneMatch("*"), RequestBody.fromBytes(bytes));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            if (e.statusCode() == 501) {
                // A store without conditional writes: check, then write. Two racing writers may both
                // write; their objects are built from the same parts, so the content is the same.
                if (exists(key)) {
                    return false;
                }
                put(key, bytes);
                return true;
            }
            throw e;
        }
    }

    /** Streams the object from its source: a part of large bodies is never in memory whole. */
    @Override
    public boolean putIfAbsent(String key, Upload upload) {
        return putIfAbsent(key, upload, Map.of());
    }

    /** As {@link #putIfAbsent(String, Upload)}, with {@code metadata} as the object's {@code x-amz-meta-*} headers. */
    @Override
    public boolean putIfAbsent(String key, Upload upload, Map<String, String> metadata) {
        RequestBody body = RequestBody.fromContentProvider(() -> {
            try {
                return upload.source().open();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, upload.length(), "application/gzip");
        try {
            s3.putObject(b -> b.bucket(bucket).key(objectKey(key)).metadata(metadata).ifNoneMatch("*"), body);
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            if (e.statusCode() == 501) {
                if (exists(key)) {
                    return false; // as in putIfAbsent(String, byte[])
                }
                s3.putObject(b -> b.bucket(bucket).key(objectKey(key)).metadata(metadata), body);
                return true;
            }
            throw e;
        }
    }

    @Override
    public boolean keepsMetadata() {
        return true;
    }

    @Override
    public java.io.InputStream open(String key) {
        try {
            return s3.getObject(b -> b.bucket(bucket).key(objectKey(key)));
        } catch (NoSuchKeyException e) {
            throw new IllegalStateException("no object at " + locate(key), e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(objectKey(key)));
            return Optional.of(bytes.asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Versioned> getVersioned(String key) {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(objectKey(key)));
            return Optional.of(new Versioned(bytes.asByteArray(), bytes.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean putIfVersion(String key, byte[] bytes, String version) {
        if (version == null) {
            return putIfAbsent(key, bytes);
        }
        try {
            s3.putObject(b -> b.bucket(bucket).key(objectKey(key)).ifMatch(version), RequestBody.fromBytes(bytes));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409 || e.statusCode() == 404) {
                return false;
            }
            if (e.statusCode() == 501) {
                // No conditional writes here: compare, then write; two racing writers can both win.
                if (!getVersioned(key).map(v -> version.equals(v.version())).orElse(false)) {
                    return false;
                }
                put(key, bytes);
                return true;
            }
            throw e;
        }
    }

    @Override
    public boolean exists(String key) {
        return head(key).isPresent();
    }

    /** A HEAD: the object's user metadata, names as S3 gives them back (lower case, without {@code x-amz-meta-}). */
    @Override
    public Optional<Map<String, String>> head(String key) {
        try {
            return Optional.of(Map.copyOf(s3.headObject(b -> b.bucket(bucket).key(objectKey(key))).metadata()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<String> list(String keyPrefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(objectKey(keyPrefix)))
                .contents().stream()
                .map(S3Object::key)
                .map(k -> k.substring(prefix.length()))
                .sorted()
                .toList();
    }

    @Override
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(objectKey(key)));
    }

    @Override
    public void deleteAll(List<String> keys) {
        for (int from = 0; from < keys.size(); from += 1000) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + 1000)).stream()
                    .map(k -> ObjectIdentifier.builder().key(objectKey(k)).build()).toList();
            DeleteObjectsResponse response = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
            if (response.hasErrors() && !response.errors().isEmpty()) {
                throw new IllegalStateException("could not delete " + response.errors().size() + " objects, first "
                        + "s3://" + bucket + "/" + response.errors().getFirst().key() + ": " + response.errors().getFirst().message());
            }
        }
    }

    @Override
    public String locate(String key) {
        return "s3://" + bucket + "/" + objectKey(key);
    }
}
