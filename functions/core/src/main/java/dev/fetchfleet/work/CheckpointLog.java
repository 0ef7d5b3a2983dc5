package dev.fetchfleet.work;

import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.fetch.Fetcher;
import java.net.URI;
import dev.fetchfleet.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A chunk's checkpoint while it is being fetched: append-only segments under the chunk's checkpoint
 * prefix, written by one background writer that takes everything waiting at once (a group commit, so
 * a hundred chains share one PUT rather than paying one each).
 *
 * <p>A page whose chain goes on is written before its next page is asked for: a worker killed at any
 * moment asks again only for the page it was waiting on. Records that nothing waits for (a request
 * without pages, a chain's last page) ride along with the next segment, or go alone after
 * {@link #FLUSH_AFTER}, so a chunk of flat requests costs no more writes than before. When the deadline
 * cuts the chunk, {@link #seal()} folds this invocation's segments into one, so a chain spread over many
 * invocations leaves one segment per invocation for the next to read.
 */
final class CheckpointLog implements Fetcher.Progress, AutoCloseable {

    /** The longest a record nobody waits for stays unwritten: bounds what a killed worker fetches again. */
    static final Duration FLUSH_AFTER = Duration.ofSeconds(30);
    /** The most bytes that wait unwritten: past it, appenders wait for the write, so large bodies never pile up here. */
    static final int FLUSH_BYTES = 8 * 1024 * 1024;
    /** Past this, an invocation's segments are left as they are when it is cut, not folded into one in memory. */
    static final int SEAL_BYTES = 16 * 1024 * 1024;
    private static final int PARALLEL_READS = 16;

    private final BronzeWriter bronze;
    private final String prefix;
    private final String writer;
    private final ReentrantLock lock = new ReentrantLock();
    /** The writer waits on this for something to write; appenders on {@link #written} for their entry. */
    private final Condition toWrite = lock.newCondition();
    private final Condition written = lock.newCondition();
    private final Thread thread;

    // Guarded by lock.
    private List<byte[]> pending = new ArrayList<>();
    private long pendingBytes;
    /** Every line this invocation appended, for {@link #seal()}; null once past {@link #SEAL_BYTES}. */
    private List<byte[]> appendedAll = new ArrayList<>();
    private long appendedBytes;
    private final List<String> segments = new ArrayList<>();
    private long appended;
    private long durable;
    private long wanted;
    private long oldestPendingNanos;
    private final Ticker ticker;
    private RuntimeException failure;
    private boolean closed;

    CheckpointLog(BronzeWriter bronze, RunRef run, int chunk, Clock clock, Ticker ticker) {
        this.ticker = ticker;
        this.bronze = bronze;
        this.prefix = run.checkpointPrefix(chunk);
        // Unique per invocation, ordered by time: two deliveries of one chunk never write the same key.
        this.writer = String.format("%013d-%s", clock.millis(), HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        // A platform thread: it spends its life in blocking writes, which on a virtual thread make the
        // scheduler add and retire carrier threads hundreds of times a second.
        this.thread = Thread.ofPlatform().daemon().name("checkpoint-" + chunk).start(this::writeLoop);
    }

    /** Every segment of a chunk, merged; its records without their bodies (see the four-argument read). */
    static ChunkProgress read(BronzeWriter bronze, RunRef run, int chunk) {
        return read(bronze, run, chunk, record -> {});
    }

    /**
     * Every segment of a chunk, merged, each record handed whole to {@code keep} as it streams in (a
     * chunk's part spill) and kept here without its body: what earlier invocations fetched is never in
     * memory at once. Repeats of a (request, page) reach {@code keep} too; the first to arrive is the one
     * the progress counts, as a spill keeps the first.
     */
    static ChunkProgress read(BronzeWriter bronze, RunRef run, int chunk, Consumer<BronzeRecord> keep) {
        List<String> keys = segmentKeys(bronze, run, chunk);
        if (keys.isEmpty()) {
            return ChunkProgress.NONE;
        }
        List<CheckpointEntry> entries = new ArrayList<>();
        // A killed worker may leave thousands of small segments: read them side by side.
        Semaphore reads = new Semaphore(PARALLEL_READS);
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String key : keys) {
                futures.add(threads.submit(() -> {
                    reads.acquire();
                    try {
                        bronze.forEachLine(key, CheckpointEntry.class, entry -> {
                            synchronized (entries) {
                                keep.accept(entry.record());
                                entries.add(new CheckpointEntry(entry.record().withoutBody(), entry.next(), entry.nextToken()));
                            }
                        });
                        return null;
                    } finally {
                        reads.release();
                    }
                }));
            }
        }
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading checkpoints", e);
            }
        }
        return ChunkProgress.of(entries);
    }

    /** Removes a chunk's segments, once its part holds everything they did. */
    static void delete(BronzeWriter bronze, RunRef run, int chunk) {
        List<String> keys = segmentKeys(bronze, run, chunk);
        if (!keys.isEmpty()) {
            bronze.store().deleteAll(keys);
        }
    }

    private static List<String> segmentKeys(BronzeWriter bronze, RunRef run, int chunk) {
        return bronze.store().list(run.checkpointPrefix(chunk)).stream()
                .filter(k -> k.endsWith(".jsonl") || k.endsWith(".jsonl.gz")).toList();
    }

    @Override
    public void fetched(BronzeRecord record, URI next) throws InterruptedException {
        fetched(record, next, null);
    }

    @Override
    public void fetched(BronzeRecord record, URI next, String nextToken) throws InterruptedException {
        lock.lock();
        try {
            throwIfFailed();
        } finally {
            lock.unlock();
        }
        // Encoded outside the lock: a large body takes a while, and other chains append meanwhile.
        byte[] line = bronze.encodeLine(new CheckpointEntry(record, next == null ? null : next.toString(), nextToken));
        lock.lock();
        try {
            throwIfFailed();
            if (pending.isEmpty()) {
                oldestPendingNanos = ticker.nanoTime();
            }
            pending.add(line);
            pendingBytes += line.length;
            if (appendedAll != null) {
                appendedBytes += line.length;
                if (appendedBytes > SEAL_BYTES) {
                    appendedAll = null; // too large to fold in memory; seal() leaves the segments be
                } else {
                    appendedAll.add(line);
                }
            }
            long mine = ++appended;
            if (next == null && pendingBytes < FLUSH_BYTES) {
                return; // nothing waits on it: it goes with the next segment
            }
            wanted = Math.max(wanted, mine);
            toWrite.signal();
            while (durable < mine) {
                throwIfFailed();
                written.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether this log wrote anything the chunk's cleanup must remove. */
    boolean wroteSegments() {
        lock.lock();
        try {
            return !segments.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes everything appended durable, then replaces this invocation's segments by one holding all of
     * them. Written before the small ones are removed, so a worker dying in between leaves repeats,
     * which reading drops, never a gap.
     */
    void seal() throws InterruptedException {
        List<String> small;
        List<byte[]> all;
        lock.lock();
        try {
            wanted = appended;
            toWrite.signal();
            while (durable < appended) {
                throwIfFailed();
                written.await();
            }
            closed = true;
            toWrite.signal();
            small = List.copyOf(segments);
            all = appendedAll == null ? null : List.copyOf(appendedAll);
        } finally {
            lock.unlock();
        }
        thread.join();
        if (small.size() > 1 && all != null) {
            bronze.store().put(prefix + "seg-" + writer + "-sealed.jsonl.gz", gzip(all));
            bronze.store().deleteAll(small);
        }
    }

    @Override
    public void close() throws InterruptedException {
        lock.lock();
        try {
            closed = true;
            toWrite.signal();
        } finally {
            lock.unlock();
        }
        thread.join();
    }

    private static byte[] gzip(List<byte[]> lines) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(bytes, 64 * 1024)) {
            for (byte[] line : lines) {
                out.write(line);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] concat(List<byte[]> lines, long length) {
        if (lines.size() == 1) {
            return lines.getFirst(); // a large record alone: not copied again
        }
        byte[] all = new byte[Math.toIntExact(length)];
        int at = 0;
        for (byte[] line : lines) {
            System.arraycopy(line, 0, all, at, line.length);
            at += line.length;
        }
        return all;
    }

    private void throwIfFailed() {
        if (failure != null) {
            throw new IllegalStateException("checkpoint could not be written under " + bronze.store().locate(prefix)
                    + "; the chunk is handed back: " + failure.getMessage(), failure);
        }
    }

    private void writeLoop() {
        int sequence = 0;
        while (true) {
            List<byte[]> batch;
            long batchBytes;
            long upTo;
            lock.lock();
            try {
                while (!closed && !due()) {
                    if (pending.isEmpty()) {
                        toWrite.await();
                    } else {
                        toWrite.awaitNanos(oldestPendingNanos + FLUSH_AFTER.toNanos() - ticker.nanoTime());
                    }
                }
                if (closed) {
                    return;
                }
                batch = pending;
                batchBytes = pendingBytes;
                pending = new ArrayList<>();
                pendingBytes = 0;
                upTo = appended;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            String key = prefix + String.format("seg-%s-%06d.jsonl", writer, ++sequence);
            RuntimeException failed = null;
            try {
                bronze.store().put(key, concat(batch, batchBytes));
            } catch (RuntimeException e) {
                failed = e;
            }
            lock.lock();
            try {
                if (failed != null) {
                    failure = failed; // sticky: every chain stops at its next page, and the chunk is handed back
                } else {
                    segments.add(key);
                    durable = upTo;
                }
                written.signalAll();
                if (failed != null) {
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Guarded by lock: something waits to be written, and someone waits for it or it has waited long enough. */
    private boolean due() {
        return !pending.isEmpty() && (wanted > durable || pendingBytes >= FLUSH_BYTES
                || ticker.nanoTime() - oldestPendingNanos >= FLUSH_AFTER.toNanos());
    }
}
