package dev.fetchfleet.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The files under a bronze directory that a running fleet is writing: its temporary files come and go
 * (written, then renamed into place), and a walk that meets one gone fails; such a walk is simply taken again.
 */
final class LiveFiles {

    private LiveFiles() {
    }

    static List<Path> matching(Path root, Predicate<Path> wanted) throws IOException {
        for (int attempt = 1; ; attempt++) {
            if (!Files.exists(root)) {
                return List.of();
            }
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(wanted).sorted().toList();
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException) || attempt == 20) {
                    throw e;
                }
            }
        }
    }

    /** The run's parts ({@code part-NNNNN.jsonl.gz}) under {@code root}, in name order. */
    static List<Path> parts(Path root) throws IOException {
        return matching(root, p -> p.getFileName().toString().startsWith("part-") && p.toString().endsWith(".jsonl.gz"));
    }
}
