package dev.fetchfleet.work;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.net.httpserver.HttpServer;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.run.Manifest;
import dev.fetchfleet.run.RunFiles;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.fetch.Fetcher;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestSource;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * One worker fetching one chunk of hostile bodies from a loopback API into a local bronze directory,
 * printing the JVM's largest heap in use after a collection (what the chunk kept alive) and its largest
 * heap in use at all. Run it with the heap a deployed worker gets, e.g. for the default 1,769 MB worker
 * (Lambda gives the JVM about 85% of the function's memory):
 * <pre>java -Xmx1503m -cp … dev.fetchfleet.work.HostileBodiesProbe 100 10 text</pre>
 * Arguments: how many requests, MiB per body, and text (plain text), binary (kept as base64) or json
 * (one JSON string). Used by {@link ChunkMemoryTest}.
 */
public final class HostileBodiesProbe {

    private HostileBodiesProbe() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String kind = args.length > 2 ? args[2] : "text";
        AtomicLong peakAfterGc = watchHeapAfterGc();

        byte[] body = body(kind, mib << 20);
        String contentType = switch (kind) {
            case "binary" -> "application/octet-stream";
            case "json" -> "application/json";
            default -> "text/plain";
        };
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        api.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        api.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            // In 64 KiB writes: the JDK's server buffers each write whole (twice its size), and this
            // server shares the worker's heap, which is what is measured.
            try (OutputStream out = exchange.getResponseBody()) {
                for (int at = 0; at < body.length; at += 64 * 1024) {
                    out.write(body, at, Math.min(64 * 1024, body.length - at));
                }
            }
        });
        api.start();

        ObjectMapper mapper = Json.newMapper();
        Path root = Files.createTempDirectory("hostile-bodies");
        LocalBronzeStore store = new LocalBronzeStore(root);
        RunRef run = new RunRef("bodies", "2026-11-30", "run-1");
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            urls.add("\"http://127.0.0.1:" + api.getAddress().getPort() + "/body/" + i + "\"");
        }
        Job job = new JobParser(mapper).parse("{\"source\":\"bodies\",\"requests\":[" + String.join(",", urls) + "]}");
        RequestSource.Inline inline = (RequestSource.Inline) job.requests();
        new RunFiles(store, mapper).writeManifest(new Manifest(run.runId(), run.source(),
                run.ingestDate(), Instant.now(), count, 1, count, job.raw()));
        String message = new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES)
                .encode(new Chunk(run, 0, 1, 1, job.fetch(), inline.requests()));

        long start = System.nanoTime();
        ChunkWorker worker = ChunkWorker.create(mapper, store, Fetcher.newHttpClient(Duration.ofSeconds(10)), Clock.systemUTC());
        ChunkResult result = worker.process(message, Instant.now().plus(Duration.ofMinutes(15)));
        double seconds = (System.nanoTime() - start) / 1e9;
        api.stop(0);

        java.util.Set<String> errors = new java.util.TreeSet<>();
        long[] sizes = {0, Long.MAX_VALUE, 0};
        new BronzeWriter(store, mapper).forEachLine(run.partKey(0), BronzeRecord.class, record -> {
            sizes[0]++;
            int length = record.body() == null ? 0 : record.body().asText().length();
            sizes[1] = Math.min(sizes[1], length);
            sizes[2] += record.status() != null && record.status() == 200 && record.error() == null ? 1 : 0;
            if (record.error() != null && errors.size() < 5) {
                errors.add(record.error());
            }
        });
        long peakUsed = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakUsed += pool.getPeakUsage().getUsed();
            }
        }
        ObjectNode line = mapper.createObjectNode()
                .put("requests", count).put("bodyMiB", mib).put("kind", kind)
                .put("records", sizes[0]).put("answered", sizes[2]).put("smallestBodyChars", sizes[1])
                .put("statusCounts", result.statusCounts().toString())
                .put("partMiB", Files.size(root.resolve(run.partKey(0))) >> 20)
                .put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20)
                .put("peakHeapAfterGcMiB", peakAfterGc.get() >> 20)
                .put("peakHeapUsedMiB", peakUsed >> 20)
                .put("seconds", Math.round(seconds * 10) / 10.0)
                .put("errors", errors.toString());
        System.out.println(mapper.writeValueAsString(line));
        System.exit(0);
    }

    private static byte[] body(String kind, int size) {
        byte[] bytes = new byte[size];
        switch (kind) {
            case "binary" -> new Random(18).nextBytes(bytes);
            case "json" -> {
                for (int i = 0; i < size; i++) {
                    bytes[i] = (byte) ('a' + i % 26);
                }
                bytes[0] = '"';
                bytes[size - 1] = '"';
            }
            default -> {
                for (int i = 0; i < size; i++) {
                    bytes[i] = (byte) (i % 64 == 63 ? '\n' : 'a' + i % 26);
                }
            }
        }
        return bytes;
    }

    /** The largest heap in use right after a full collection: what was alive, not garbage waiting. */
    private static AtomicLong watchHeapAfterGc() {
        AtomicLong peak = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                if (!info.getGcAction().contains("major")) {
                    return; // a young collection leaves the old generation's garbage in place
                }
                long used = 0;
                for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (!pool.getKey().contains("Metaspace") && !pool.getKey().contains("Code") && !pool.getKey().contains("Class")) {
                        used += pool.getValue().getUsed();
                    }
                }
                peak.accumulateAndGet(used, Math::max);
            }, null, null);
        }
        return peak;
    }
}
