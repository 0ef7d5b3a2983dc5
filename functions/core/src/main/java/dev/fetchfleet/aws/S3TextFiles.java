package dev.fetchfleet.aws;

import dev.fetchfleet.job.LocalTextFiles;
import dev.fetchfleet.job.TextFiles;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code requestsFrom} files: {@code s3://bucket/key} through S3; a local path only where the caller says the
 * local file system is the user's own (the CLI). The deployed dispatcher reads S3 alone: a job submitted to it
 * must not make it read its own disk ({@code /proc/self/environ} holds the role's credentials).
 */
public final class S3TextFiles implements TextFiles {

    private final Supplier<S3Client> s3;
    private final TextFiles local;

    private S3TextFiles(Supplier<S3Client> s3, TextFiles local) {
        this.s3 = s3;
        this.local = local;
    }

    /** For Lambda: anything but an {@code s3://} URI is refused. */
    public static S3TextFiles s3Only(Supplier<S3Client> s3) {
        return new S3TextFiles(s3, location -> {
            throw new IOException("refused: only s3:// objects are read here; the deployed dispatcher never reads its own files");
        });
    }

    /** For the CLI: {@code s3://} through S3, anything else as a regular file the user names. */
    public static S3TextFiles s3OrLocalFile(Supplier<S3Client> s3) {
        return new S3TextFiles(s3, new LocalTextFiles());
    }

    @Override
    public Reader open(String location) throws IOException {
        return open(location, 0);
    }

    /** From byte {@code offset} on: for S3 a ranged GET, so a slice of a large object is read without what precedes it. */
    @Override
    public Reader open(String location, long offset) throws IOException {
        return open(location, offset, null);
    }

    /** For S3 the object's ETag. */
    @Override
    public String version(String location) throws IOException {
        if (location.startsWith("s3://")) {
            URI uri = URI.create(location);
            try {
                return s3.get().headObject(b -> b.bucket(uri.getHost()).key(key(uri))).eTag();
            } catch (NoSuchKeyException e) {
                throw new java.nio.file.NoSuchFileException(location);
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    throw new java.nio.file.NoSuchFileException(location);
                }
                throw new IOException(e.getMessage(), e);
            }
        }
        return local.version(location);
    }

    /** For S3 a GET with If-Match, so the check and the reading are one request and nothing slips between them. */
    @Override
    public Reader open(String location, long offset, String version) throws IOException {
        if (location.startsWith("s3://")) {
            URI uri = URI.create(location);
            try {
                return LocalTextFiles.strictUtf8(s3.get().getObject(b -> {
                    b.bucket(uri.getHost()).key(key(uri));
                    if (offset > 0) {
                        b.range("bytes=" + offset + "-");
                    }
                    if (version != null) {
                        b.ifMatch(version);
                    }
                }));
            } catch (S3Exception e) {
                if (e.statusCode() == 412 && version != null) {
                    throw new ChangedException(version, version(location));
                }
                throw e;
            }
        }
        return local.open(location, offset, version);
    }

    private static String key(URI uri) {
        return uri.getPath().replaceFirst("^/", "");
    }
}
