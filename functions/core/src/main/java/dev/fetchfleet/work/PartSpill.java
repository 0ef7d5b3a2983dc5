package dev.fetchfleet.work;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.Upload;
import dev.fetchfleet.job.RequestSpec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
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
    /** By request id, then page: where each record's member is. Guarded by lock, as are size and part. */
    private final Map<String, TreeMap<Integer, Member>> members = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** Deflaters for the members, reused: about as many as requests end at once. Ended on close. */
    private final Queue<Deflater> deflaters = new ConcurrentLinkedQueue<>();
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

    /**
     * Writes a record; false, writing nothing, when its (request, page) is already here (the first counts).
     * The record is encoded and compressed before the lock is taken, so the chunk's requests only queue
     * for the write itself (a lock, not {@code synchronized}: a virtual thread blocked on a monitor pins
     * its carrier on Java 21).
     */
    boolean add(BronzeRecord record) {
        byte[] member = member(record);
        lock.lock();
        try {
            TreeMap<Integer, Member> pages = members.computeIfAbsent(record.requestId(), k -> new TreeMap<>());
            if (pages.containsKey(record.page())) {
                return false;
            }
            long start = size;
            ByteBuffer bytes = ByteBuffer.wrap(member);
            while (bytes.hasRemaining()) {
                channel.write(bytes, start + bytes.position());
            }
            size = start + member.length;
            pages.put(record.page(), new Member(start, member.length));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chunk's records to " + file
                    + " (local disk full? the worker's ephemeral storage bounds a chunk's compressed part)", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One record's JSON line as a gzip member of its own (RFC 1952: header, raw deflate, CRC-32 and
     * length), compressed fast with a pooled deflater: a new {@code GZIPOutputStream} per record set up
     * zlib's state for every record, and the part is compressed properly again when it is written. The
     * line is encoded whole and deflated straight into the member's array: a stream around each record
     * allocated an 8 KiB buffer per page, which a profile of 1,000 pages a second showed among its top costs.
     */
    private byte[] member(BronzeRecord record) {
        byte[] json;
        try {
            json = writer.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a record of " + record.requestId(), e);
        }
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        CRC32 crc = new CRC32();
        crc.update(line);
        Deflater deflater = deflaters.poll();
        if (deflater == null) {
            deflater = new Deflater(Deflater.BEST_SPEED, true);
        }
        try {
            deflater.setInput(line);
            deflater.finish();
            // Deflate's worst case (stored blocks) adds 5 bytes per 16 KiB block and a few more.
            byte[] member = new byte[GZIP_HEADER.length + line.length + 5 * (line.length / 16_383 + 1) + 16 + 8];
            System.arraycopy(GZIP_HEADER, 0, member, 0, GZIP_HEADER.length);
            int at = GZIP_HEADER.length;
            while (!deflater.finished()) {
                if (at == member.length - 8) {
                    member = java.util.Arrays.copyOf(member, member.length * 2);
                }
                at += deflater.deflate(member, at, member.length - 8 - at);
            }
            writeIntLittleEndian(member, at, (int) crc.getValue());
            writeIntLittleEndian(member, at + 4, line.length); // ISIZE: the length modulo 2^32
            return at + 8 == member.length ? member : java.util.Arrays.copyOf(member, at + 8);
        } finally {
            deflater.reset();
            deflaters.offer(deflater);
        }
    }

    /** A gzip member header: magic, deflate, no flags, no time, no extra flags, unknown OS. */
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private static void writeIntLittleEndian(byte[] into, int at, int value) {
        into[at] = (byte) value;
        into[at + 1] = (byte) (value >>> 8);
        into[at + 2] = (byte) (value >>> 16);
        into[at + 3] = (byte) (value >>> 24);
    }

    /**
     * The part: every record of the chunk's requests, in request order and pages in order, as one gzip
     * stream written to a second local file. Re-compressed rather than the members concatenated: a
     * member per record costs small records their shared dictionary (a part twenty times larger).
     */
    Upload part(List<RequestSpec> order) {
        lock.lock();
        try {
            return writePart(order);
        } finally {
            lock.unlock();
        }
    }

    private Upload writePart(List<RequestSpec> order) {
        List<Member> inOrder = new ArrayList<>();
        for (RequestSpec request : order) {
            inOrder.addAll(members.getOrDefault(request.id(), new TreeMap<>()).values());
        }
        try {
            part = Files.createTempFile("fetchfleet-part-", ".jsonl.gz");
            try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(part), 64 * 1024), 64 * 1024)) {
                for (Member m : inOrder) {
                    // Buffers the member's size, not 64 KiB for each of a part's thousands of small members
                    // (measured: most of a paged run's allocation, and its young collections, came from here);
                    // buffered below the gzip stream too, which reads a member's header a byte at a time.
                    int buffer = (int) Math.max(512, Math.min(64 * 1024, m.length()));
                    try (InputStream in = new GZIPInputStream(new BufferedInputStream(
                            new RangeStream(channel, m.offset(), m.length()), buffer), buffer)) {
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
        for (Deflater deflater; (deflater = deflaters.poll()) != null; ) {
            deflater.end();
        }
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
