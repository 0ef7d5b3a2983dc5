package dev.fetchfleet.work;

import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.fetch.FetchProgress;
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
 * prefix, written by one background writer per chunk at a fixed interval, each segment holding what every
 * chain and flat request fetched since the last one (a group commit: one PUT a second, however many
 * chains run).
 *
 * <p>No page waits for a write: a chain asks for its next page as soon as it has this one, and its entry
 * (the page and its way on) becomes durable with the next segment. A worker killed at any moment asks
 * again only for what was in flight and what it received in the last interval: entries are appended in
 * the order they were fetched and segments are written one after another, so a chain's durable pages are
 * always a prefix of its chain. Only when answers pile up past {@link #MAX_PENDING_BYTES} unwritten
 * (large bodies faster than the store takes them) do appenders wait, so memory stays bounded. When the
 * deadline cuts the chunk, {@link #seal()} writes what is left and folds this invocation's segments into
 * one, so a chain spread over many invocations leaves one segment per invocation for the next to read.
 */
final class CheckpointLog implements FetchProgress, AutoCloseable {

    /** Past this many unwritten bytes a segment goes out before its interval is up. */
    static final int FLUSH_BYTES = 8 * 1024 * 1024;
    /** Past this many unwritten bytes appenders wait for the writer: the only wait, a bound on memory. */
    static final int MAX_PENDING_BYTES = 64 * 1024 * 1024;
    /** Past this, an invocation's segments are left as they are when it is cut, not folded into one in memory. */
    static final int SEAL_BYTES = 16 * 1024 * 1024;
    private static final int PARALLEL_READS = 16;

    private final BronzeWriter bronze;
    private final String prefix;
    private final String writer;
    /** The longest an entry stays unwritten: bounds what a killed worker fetches again. */
    private final Duration interval;
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
    /** Entries up to this one are to be written now, not at the interval: {@link #seal()}, a shutdown. */
    private long wanted;
    private long oldestPendingNanos;
    private final Ticker ticker;
    private RuntimeException failure;
    private boolean closed;

    CheckpointLog(BronzeWriter bronze, RunRef run, int chunk, Clock clock, Ticker ticker, Duration interval) {
        this(bronze, run, RunRef.chunkName(chunk), clock, ticker, interval);
    }

    CheckpointLog(BronzeWriter bronze, RunRef run, String chunk, Clock clock, Ticker ticker, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("checkpoint interval must be positive, not " + interval);
        }
        this.ticker = ticker;
        this.bronze = bronze;
        this.interval = interval;
        this.prefix = run.checkpointPrefix(chunk);
        // Unique per invocation, ordered by time: two deliveries of one chunk never write the same key.
        this.writer = String.format("%013d-%s", clock.millis(), HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        // A platform thread: it spends its life in blocking writes, which on a virtual thread make the
        // scheduler add and retire carrier threads hundreds of times a second.
        this.thread = Thread.ofPlatform().daemon().name("checkpoint-" + chunk).start(this::writeLoop);
        OPEN.add(this);
    }

    /** Logs whose chunk is being fetched: a JVM shutdown (Ctrl-C of a local run) writes what they hold first. */
    private static final java.util.Set<CheckpointLog> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> flushAll(List.copyOf(OPEN), Duration.ofSeconds(2)),
                "checkpoint-shutdown"));
    }

    /**
     * Asks every log to write what it holds and waits for them side by side: {@code patience} in all, not
     * each (ten workers' logs on a store that hangs kept a Ctrl-C'd local run 20 s from exiting).
     */
    static void flushAll(List<CheckpointLog> logs, Duration patience) {
        List<Thread> flushing = logs.stream().map(log -> Thread.ofVirtual().name("checkpoint-flush").start(() -> log.flushFor(patience))).toList();
        for (Thread thread : flushing) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
        return read(bronze, run, RunRef.chunkName(chunk), keep);
    }

    static ChunkProgress read(BronzeWriter bronze, RunRef run, String chunk, Consumer<BronzeRecord> keep) {
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
        return ChunkProgress.of(entries).withSegments(keys);
    }

    /** Removes a chunk's segments, once its part holds everything they did. */
    static void delete(BronzeWriter bronze, RunRef run, int chunk) {
        delete(bronze, run, RunRef.chunkName(chunk));
    }

    static void delete(BronzeWriter bronze, RunRef run, String chunk) {
        List<String> keys = segmentKeys(bronze, run, chunk);
        if (!keys.isEmpty()) {
            bronze.store().deleteAll(keys);
        }
    }

    private static List<String> segmentKeys(BronzeWriter bronze, RunRef run, String chunk) {
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
                toWrite.signal(); // the writer sleeps while there is nothing: from now it counts down the interval
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
            ++appended;
            if (pendingBytes >= FLUSH_BYTES) {
                toWrite.signal();
            }
            // The one wait: answers arriving faster than the store takes them, past a bound on memory.
            while (pendingBytes >= MAX_PENDING_BYTES && failure == null && !closed) {
                written.await();
            }
            throwIfFailed();
        } finally {
            lock.unlock();
        }
    }

    /** Asks for everything appended to be written now, and waits up to {@code patience} for it (a shutdown). */
    private void flushFor(Duration patience) {
        long until = ticker.nanoTime() + patience.toNanos();
        lock.lock();
        try {
            wanted = appended;
            toWrite.signal();
            while (durable < wanted && failure == null && !closed) {
                long left = until - ticker.nanoTime();
                if (left <= 0) {
                    return;
                }
                written.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The keys of the segments this log wrote and did not remove: with those it read, what the chunk's cleanup
     * removes, by key, without listing them again. Final once the log is closed.
     */
    List<String> segments() {
        lock.lock();
        try {
            return List.copyOf(segments);
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
        OPEN.remove(this);
        if (small.size() > 1 && all != null) {
            // The fold only spares the next invocation reads: what it holds is durable in the small segments
            // already. So a fold that cannot be written or cleaned up is left be; thrown, it would turn a clean
            // cut (a continuation message) into a failed delivery, counted towards the dead-letter queue.
            String sealed = prefix + "seg-" + writer + "-sealed.jsonl.gz";
            try {
                bronze.store().put(sealed, gzip(all));
            } catch (RuntimeException e) {
                return;
            }
            lock.lock();
            try {
                segments.add(sealed);
            } finally {
                lock.unlock();
            }
            try {
                bronze.store().deleteAll(small); // killed before this: repeats, which reading drops
            } catch (RuntimeException e) {
                return;
            }
            lock.lock();
            try {
                segments.removeAll(small);
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        OPEN.remove(this);
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
                        toWrite.awaitNanos(oldestPendingNanos + interval.toNanos() - ticker.nanoTime());
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
                // Whoever waits for this writer (seal(), appenders at MAX_PENDING_BYTES) must hear that it stopped.
                failure = new IllegalStateException("the checkpoint writer was interrupted", e);
                written.signalAll();
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
            } catch (Error e) {
                // Out of memory assembling a large segment, or a store's own Error: had the thread died of it
                // unrecorded, seal() and the appenders held back at MAX_PENDING_BYTES would wait for it forever.
                failed = new IllegalStateException(e.toString(), e);
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

    /** Guarded by lock: something waits to be written, and its interval is up, or it is asked for now, or it is large. */
    private boolean due() {
        return !pending.isEmpty() && (wanted > durable || pendingBytes >= FLUSH_BYTES
                || ticker.nanoTime() - oldestPendingNanos >= interval.toNanos());
    }
}
