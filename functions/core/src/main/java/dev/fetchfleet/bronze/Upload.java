package dev.fetchfleet.bronze;

import java.io.IOException;
import java.io.InputStream;

/**
 * An object to write that is too large to hold in memory (a part of large bodies, spilled to local
 * disk): its length, and a way to read it from the start, as often as a retried write needs.
 */
public record Upload(long length, Source source) {

    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }
}
