package dev.fetchfleet.job;

import java.io.IOException;
import java.io.Reader;

/** Opens the text a job points at ({@code requestsFrom}): an {@code s3://} object or a local file. */
@FunctionalInterface
public interface TextFiles {
    Reader open(String location) throws IOException;

    /**
     * The text from byte {@code offset} on (the start of a line). This default reads and drops what comes
     * before; a file seeks and an S3 object asks for a byte range instead.
     */
    default Reader open(String location, long offset) throws IOException {
        Reader reader = open(location);
        long skipped = 0;
        while (skipped < offset) {
            int c = reader.read();
            if (c == -1) {
                break;
            }
            skipped += Character.isHighSurrogate((char) c) ? 4 : Character.isLowSurrogate((char) c) ? 0 : utf8Bytes((char) c);
        }
        return reader;
    }

    /** How many bytes UTF-8 gives one char outside a surrogate pair. */
    static int utf8Bytes(char c) {
        return c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
}
