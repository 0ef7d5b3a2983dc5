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

    /**
     * What identifies the text as it is now (an S3 object's ETag; a file's size and modification time), so a
     * run reads the same text each time it reads it; null where this source cannot tell.
     */
    default String version(String location) throws IOException {
        return null;
    }

    /**
     * The text from byte {@code offset} on, if it is still at {@code version} (null: whatever it is now).
     *
     * @throws ChangedException if it has changed since that version was taken
     */
    default Reader open(String location, long offset, String version) throws IOException {
        if (version != null) {
            String now = version(location);
            if (!version.equals(now)) {
                throw new ChangedException(version, now);
            }
        }
        return open(location, offset);
    }

    /** The text changed between two readings of one run: its requests would no longer be those of the first. */
    final class ChangedException extends IOException {
        public ChangedException(String was, String now) {
            super("changed since the run first read it (version " + was + ", now " + (now == null ? "gone" : now)
                    + "); a run's requests are those of its first reading: put that file back to finish the run, or start a new run");
        }
    }

    /** How many bytes UTF-8 gives one char outside a surrogate pair. */
    static int utf8Bytes(char c) {
        return c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
}
