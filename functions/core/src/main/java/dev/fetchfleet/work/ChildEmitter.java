package dev.fetchfleet.work;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeStore;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.ParentRef;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.dispatch.ChunkQueue;
import dev.fetchfleet.job.ChildBinding;
import dev.fetchfleet.job.ChildSpec;
import dev.fetchfleet.job.DotPath;
import dev.fetchfleet.job.RequestSpec;
import dev.fetchfleet.plan.Chunk;
import dev.fetchfleet.plan.ChunkMessages;
import dev.fetchfleet.run.ChildrenSent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Makes a written part's child chunks and sends them to the chunk queue. Everything follows from the part
 * alone, so a redelivered or resumed parent makes the same chunks under the same names: the child requests
 * in the part's order, cut by the child's chunk size, chunk {@code j} of parent part {@code P} named
 * {@code P-j}. A child request reached from several parent parts is claimed by the first to create its
 * claim key (a conditional PUT holding the claimant's name), and only the claimant sends it, again on every
 * redelivery; the others count it as {@code shared}.
 */
final class ChildEmitter {

    /** Claims made at once: the conditional PUTs of a part's children overlap rather than queue. */
    private static final int PARALLEL_CLAIMS = 32;

    private final BronzeWriter bronze;
    private final ChunkMessages messages;
    private final ChunkQueue queue;

    ChildEmitter(BronzeWriter bronze, ChunkMessages messages, ChunkQueue queue) {
        this.bronze = bronze;
        this.messages = messages;
        this.queue = queue;
    }

    /**
     * Sends the child chunks of {@code parent}'s written part, each child level's; with {@code resending}
     * (a parent whose part was already written), only those without a part, or with children of their own.
     */
    Map<String, ChildrenSent> emit(Chunk parent, boolean resending) {
        Map<ChildSpec, Made> made = new LinkedHashMap<>();
        parent.children().forEach(child -> made.put(child, new Made()));
        bronze.forEachLine(parent.run().partKey(parent.name()), BronzeRecord.class, record -> {
            if (record.status() == null || record.status() / 100 != 2 || !"json".equals(record.bodyEncoding()) || record.body() == null) {
                return; // a failed page makes no children; it is counted as failed in the parent's own tally
            }
            made.forEach((child, out) -> out.add(child, record, parent.run().source()));
        });
        Map<String, ChildrenSent> sent = new LinkedHashMap<>();
        for (Map.Entry<ChildSpec, Made> entry : made.entrySet()) {
            sent.put(entry.getKey().source(), send(parent, entry.getKey(), entry.getValue(), resending));
        }
        return sent;
    }

    private ChildrenSent send(Chunk parent, ChildSpec child, Made made, boolean resending) {
        RunRef level = new RunRef(child.source(), parent.run().ingestDate(), parent.run().runId());
        List<RequestSpec> mine = claimed(level, parent.name(), made.requests);
        int chunks = (mine.size() + child.chunkSize() - 1) / child.chunkSize();
        List<String> bodies = new ArrayList<>();
        for (int j = 0; j < chunks; j++) {
            List<RequestSpec> slice = mine.subList(j * child.chunkSize(), Math.min(mine.size(), (j + 1) * child.chunkSize()));
            String name = parent.name() + "-" + RunRef.chunkName(j);
            if (resending && child.children().isEmpty() && bronze.store().exists(level.summaryKey(name))) {
                continue; // written and summarised: a chunk without children of its own has nothing left to do
            }
            Map<String, ParentRef> parents = new LinkedHashMap<>();
            slice.forEach(request -> parents.put(request.id(), made.parents.get(request.id())));
            bodies.add(messages.encode(new Chunk(level, j, chunks, parent.lanes(), child.fetch(), slice,
                    new Chunk.Origin(parent.run(), name), child.children(), parents)));
        }
        for (int from = 0; from < bodies.size(); from += 100) {
            queue.sendAll(List.copyOf(bodies.subList(from, Math.min(bodies.size(), from + 100))));
        }
        return new ChildrenSent(chunks, mine.size(), made.errors, made.requests.size() - mine.size(), made.firstError);
    }

    /** The requests this parent part fetches: those whose claim it makes now, or made on an earlier delivery. */
    private List<RequestSpec> claimed(RunRef level, String claimant, List<RequestSpec> requests) {
        BronzeStore store = bronze.store();
        byte[] name = claimant.getBytes(StandardCharsets.UTF_8);
        Semaphore claims = new Semaphore(PARALLEL_CLAIMS);
        List<Future<Boolean>> mine = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (RequestSpec request : requests) {
                mine.add(threads.submit(() -> {
                    claims.acquire();
                    try {
                        String key = level.childClaimKey(request.id());
                        return store.putIfAbsent(key, name)
                                || store.get(key).map(held -> claimant.equals(new String(held, StandardCharsets.UTF_8))).orElse(false);
                    } finally {
                        claims.release();
                    }
                }));
            }
        }
        List<RequestSpec> kept = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            try {
                if (mine.get(i).get()) {
                    kept.add(requests.get(i));
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while claiming child requests", e);
            }
        }
        return kept;
    }

    /** One child level's requests from one part, in the part's order, each once; and the items that made none. */
    private static final class Made {
        final List<RequestSpec> requests = new ArrayList<>();
        final Map<String, ParentRef> parents = new LinkedHashMap<>();
        long errors;
        String firstError;

        void add(ChildSpec child, BronzeRecord page, String parentSource) {
            JsonNode items = DotPath.at(page.body(), child.itemsPath());
            if (items == null || items.isNull()) {
                return; // a page without the list (an empty last page) has no items
            }
            if (!items.isArray()) {
                error("request " + page.requestId() + " page " + page.page() + ": " + child.itemsPath() + " is a "
                        + items.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ", not a list");
                return;
            }
            for (int i = 0; i < items.size(); i++) {
                ChildBinding.Bound bound = ChildBinding.bind(child, items.get(i));
                switch (bound) {
                    case ChildBinding.Request request -> {
                        if (!parents.containsKey(request.request().id())) {
                            parents.put(request.request().id(), new ParentRef(parentSource, page.requestId(), page.page(), request.values()));
                            requests.add(request.request());
                        }
                    }
                    case ChildBinding.Unbound unbound -> error("request " + page.requestId() + " page " + page.page() + " item " + i
                            + ": " + unbound.error());
                }
            }
        }

        private void error(String why) {
            errors++;
            if (firstError == null) {
                firstError = why;
            }
        }
    }
}
