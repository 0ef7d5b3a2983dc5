package dev.fetchfleet.job;

/**
 * Requests {@code from} (inclusive) to {@code to} (exclusive) of a job's list, in its order. For a
 * {@code requestsFrom} file, reading starts at byte {@code startOffset}, where request {@code startIndex}'s
 * line (number {@code startLine}) begins; a template or an inline list is indexed directly and ignores them.
 * {@code version} pins the file to the one the run's first reading saw ({@link TextFiles#version}; null: not
 * pinned), so a file rewritten during a run fails the reading instead of giving other requests.
 */
public record RequestRange(long from, long to, long startIndex, long startLine, long startOffset, String version) {

    public RequestRange(long from, long to, long startIndex, long startLine, long startOffset) {
        this(from, to, startIndex, startLine, startOffset, null);
    }

    public RequestRange {
        if (from < startIndex || to < from) {
            throw new IllegalArgumentException("range " + from + ".." + to + " read from request " + startIndex);
        }
    }

    /** Requests {@code from} to {@code to} of a list indexed directly (a template, an inline list). */
    public static RequestRange indexed(long from, long to) {
        return new RequestRange(from, to, 0, 1, 0);
    }

    /** The whole list of {@code count} requests. */
    public static RequestRange all(long count) {
        return new RequestRange(0, count, 0, 1, 0);
    }
}
