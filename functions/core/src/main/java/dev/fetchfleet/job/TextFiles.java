package dev.fetchfleet.job;

import java.io.IOException;
import java.io.Reader;

/** Opens the text a job points at ({@code requestsFrom}): an {@code s3://} object or a local file. */
@FunctionalInterface
public interface TextFiles {
    Reader open(String location) throws IOException;
}
