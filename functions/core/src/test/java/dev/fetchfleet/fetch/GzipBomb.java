package dev.fetchfleet.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A valid gzip stream of zeros that inflates about a thousand times its size, written as it is sent: one
 * mebibyte of zeros deflates to about a kilobyte, and once the window holds only zeros the same
 * compressed block inflates to the next mebibyte, so the stream is that block repeated. A 10 MB bomb
 * costs the test a few kilobytes of memory, never the gigabytes it stands for.
 */
final class GzipBomb {

    private static final int BLOCK = 1 << 20;
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final byte[] first;
    private final byte[] repeated;
    private final byte[] last;
    private final long blocks;

    /** A bomb of about {@code compressedBytes} on the wire. */
    GzipBomb(long compressedBytes) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] zeros = new byte[BLOCK];
        first = flushed(deflater, zeros);
        repeated = flushed(deflater, zeros);
        deflater.finish();
        ByteArrayOutputStream end = new ByteArrayOutputStream();
        byte[] buffer = new byte[64];
        while (!deflater.finished()) {
            end.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        last = end.toByteArray();
        blocks = 1 + Math.max(0, (compressedBytes - HEADER.length - first.length - last.length - 8) / repeated.length);
    }

    private static byte[] flushed(Deflater deflater, byte[] input) {
        deflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length);
        return out.toByteArray();
    }

    long compressedBytes() {
        return HEADER.length + first.length + (blocks - 1) * repeated.length + last.length + 8;
    }

    long inflatedBytes() {
        return blocks * BLOCK;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(HEADER);
        out.write(first);
        for (long i = 1; i < blocks; i++) {
            out.write(repeated);
        }
        out.write(last);
        // The trailer: only a reader that inflated every byte gets here.
        CRC32 crc = new CRC32();
        byte[] zeros = new byte[BLOCK];
        for (long i = 0; i < blocks; i++) {
            crc.update(zeros);
        }
        writeIntLe(out, (int) crc.getValue());
        writeIntLe(out, (int) inflatedBytes());
    }

    private static void writeIntLe(OutputStream out, int v) throws IOException {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
