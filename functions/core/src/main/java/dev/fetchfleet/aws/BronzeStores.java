package dev.fetchfleet.aws;

import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.LocalBronzeStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/** Opens a bronze root given as {@code s3://bucket/prefix} or a local directory. */
public final class BronzeStores {

    private BronzeStores() {}

    public static boolean isS3(String root) {
        return root.startsWith("s3://");
    }

    public static BronzeStore open(String root, Supplier<S3Client> s3) {
        if (isS3(root)) {
            URI uri = URI.create(root);
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                throw new IllegalArgumentException("bronze root " + root + " names no bucket; write s3://bucket/prefix");
            }
            return new S3BronzeStore(s3.get(), uri.getHost(), uri.getPath());
        }
        return new LocalBronzeStore(Path.of(root));
    }
}
