package dev.fetchfleet.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.Job;
import dev.fetchfleet.job.JobParser;
import dev.fetchfleet.job.RequestSource;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Warms the worker's own code path before SnapStart takes its snapshot: a chunk message encoded and
 * decoded, a bronze part encoded (gzip JSON Lines) and read back, in a scratch directory under /tmp that
 * is removed again. Nothing is fetched and no AWS API is called (see DispatcherPriming for why).
 * {@code FETCHFLEET_PRIME_AT_INIT=true} primes during init instead.
 */
final class WorkerPriming implements Resource {

    private static final RunRef RUN = new RunRef("priming", "2026-01-01", "priming");

    /** CRaC holds resources weakly: this reference keeps the registered one alive for the snapshot. */
    private static WorkerPriming registered;

    static synchronized void install() {
        if (registered == null) {
            registered = new WorkerPriming();
            Core.getGlobalContext().register(registered);
            if ("true".equalsIgnoreCase(System.getenv("FETCHFLEET_PRIME_AT_INIT"))) {
                registered.prime();
            }
        }
    }

    void prime() {
        ObjectMapper mapper = Json.newMapper();
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("fetchfleet-priming");
            LocalBronzeStore store = new LocalBronzeStore(scratch);
            Job job = new JobParser(mapper).parse("{\"source\":\"priming\",\"requests\":[{\"url\":\"https://api.example.com/items/1\"}]}");
            ChunkMessages messages = new ChunkMessages(mapper, store, ChunkMessages.DEFAULT_MAX_MESSAGE_BYTES);
            messages.decode(messages.encode(new Chunk(RUN, 0, 1, 1, job.fetch(), ((RequestSource.Inline) job.requests()).requests())));
            BronzeWriter bronze = new BronzeWriter(store, mapper);
            bronze.writePart(RUN, 0, List.of(new BronzeRecord(RUN.runId(), RUN.source(), "r", "GET", "https://api.example.com/items/1",
                    200, Map.of("content-type", "application/json"), mapper.readTree("{\"id\":1}"), "json", Instant.now(), 1, 1, null, 0)));
            bronze.readPart(RUN.partKey(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(scratch);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // /tmp is the function's own; a leftover scratch file costs nothing
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing cached here outlives a restore: clocks, credentials and connections are made per use.
    }
}
