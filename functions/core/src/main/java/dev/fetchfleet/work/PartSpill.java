package dev.fetchfleet.work;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.Upload;
import dev.fetchfleet.job.RequestSpec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A chunk's records on local disk (Lambda's /tmp) while the chunk is fetched, so that a chunk of large
 * bodies never holds them all in memory. Each record is written as it ends, streamed through JSON and
 * gzip, as a gzip member of its own so that it can be found again; the part is those records in chunk
 * order, one gzip stream in a second file, uploaded from there.
 */
final class PartSpill implements AutoCloseable {

    private record Member(long offset, long length) {}

    private final ObjectWriter writer;
    private final Path file;
    private final FileChannel channel;
    /** By request id, then page: where each record's member is. Guarded by this. */
    private final Map<String, TreeMap<Integer, Member>> members = new HashMap<>();
    private long size;
    private Path part;

    private PartSpill(ObjectMapper mapper, Path file) throws IOException {
        this.writer = mapper.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** A spill in the JVM's temporary directory, removed on {@link #close()}. */
    static PartSpill create(ObjectMapper mapper) {
        try {
            return new PartSpill(mapper, Files.createTempFile("fetchfleet-part-", ".jsonl.gz"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a local file for the chunk's records", e);
        }
    }

    /** Writes a record; false, writing nothing, when its (request, page) is already here (the first counts). */
    synchronized boolean add(BronzeRecord record) {
        TreeMap<Integer, Member> pages = members.computeIfAbsent(record.requestId(), k -> new TreeMap<>());
        if (pages.containsKey(record.page())) {
            return false;
        }
        long start = size;
        try {
            channel.position(start);
            OutputStream out = new FilterOutputStream(Channels.newOutputStream(channel)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    this.out.write(b, off, len); // whole arrays, not byte by byte
                }

                @Override
                public void close() throws IOException {
                    flush(); // the channel stays open for the next record
                }
            };
            try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
                writer.writeValue(gzip, record);
                gzip.write('\n');
            }
            size = channel.position();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chunk's records to " + file
                    + " (local disk full? the worker's ephemeral storage bounds a chunk's compressed part)", e);
        }
        pages.put(record.page(), new Member(start, size - start));
        return true;
    }

    /**
     * The part: every record of the chunk's requests, in request order and pages in order, as one gzip
     * stream written to a second local file. Re-compressed rather than the members concatenated: a
     * member per record costs small records their shared dictionary (a part twenty times larger).
     */
    synchronized Upload part(List<RequestSpec> order) {
        List<Member> inOrder = new ArrayList<>();
        for (RequestSpec request : order) {
            inOrder.addAll(members.getOrDefault(request.id(), new TreeMap<>()).values());
        }
        try {
            part = Files.createTempFile("fetchfleet-part-", ".jsonl.gz");
            try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(part), 64 * 1024), 64 * 1024)) {
                for (Member m : inOrder) {
                    try (InputStream in = new GZIPInputStream(new RangeStream(channel, m.offset(), m.length()), 64 * 1024)) {
                        in.transferTo(out);
                    }
                }
            }
            Path written = part;
            return new Upload(Files.size(written), () -> new BufferedInputStream(Files.newInputStream(written), 64 * 1024));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chunk's part to local disk (" + e.getMessage()
                    + "); the worker's ephemeral storage bounds a chunk's compressed part", e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(file);
            if (part != null) {
                Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            // a stray temporary file: the next invocation's /tmp may hold it, nothing reads it
        }
    }

    /** A range of the file, read at its own positions, so several readers (an upload retried) never disturb each other. */
    private static final class RangeStream extends InputStream {
        private final FileChannel channel;
        private long position;
        private final long end;

        RangeStream(FileChannel channel, long offset, long length) {
            this.channel = channel;
            this.position = offset;
            this.end = offset + length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            int n = channel.read(java.nio.ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }
}
