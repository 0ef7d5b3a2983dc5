package dev.fetchfleet.aws;

import dev.fetchfleet.job.TextFiles;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code requestsFrom} files: {@code s3://bucket/key} through S3, anything else as a local path. */
public final class S3TextFiles implements TextFiles {

    private final Supplier<S3Client> s3;

    public S3TextFiles(Supplier<S3Client> s3) {
        this.s3 = s3;
    }

    @Override
    public Reader open(String location) throws IOException {
        if (location.startsWith("s3://")) {
            URI uri = URI.create(location);
            String key = uri.getPath().replaceFirst("^/", "");
            return new InputStreamReader(s3.get().getObject(b -> b.bucket(uri.getHost()).key(key)), StandardCharsets.UTF_8);
        }
        return Files.newBufferedReader(Path.of(location), StandardCharsets.UTF_8);
    }
}
