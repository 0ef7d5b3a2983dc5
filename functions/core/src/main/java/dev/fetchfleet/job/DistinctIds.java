package dev.fetchfleet.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The duplicate-id check of a request list too long to hold: 8 bytes per request (a 64-bit hash of
 * each id, in sorted blocks), so ten million requests take 80 MB and {@link RequestList#MAX_REQUESTS}
 * at most 160 MB. A hash seen twice is only a suspect: the caller reads the list again, keeping the
 * ids of suspects alone, and refuses the job only for two equal ids, naming both places. So a hash
 * collision of two different ids (about one in 400,000 for ten million random ids, or made on purpose)
 * costs that second reading and nothing else: no request is dropped and no job refused for it.
 */
final class DistinctIds {

    private static final int BLOCK = 1 << 20;

    private final List<long[]> blocks = new ArrayList<>();
    private final java.util.function.ToLongFunction<String> hash;
    private int filled = BLOCK;

    DistinctIds(java.util.function.ToLongFunction<String> hash) {
        this.hash = hash;
    }

    void add(String id) {
        if (filled == BLOCK) {
            blocks.add(new long[BLOCK]);
            filled = 0;
        }
        blocks.getLast()[filled++] = hash.applyAsLong(id);
    }

    /** The hashes seen more than once, sorted; the blocks are freed. */
    long[] suspects() {
        if (blocks.isEmpty()) {
            return new long[0];
        }
        blocks.set(blocks.size() - 1, Arrays.copyOf(blocks.getLast(), filled));
        PriorityQueue<int[]> heads = new PriorityQueue<>((a, b) -> Long.compare(blocks.get(a[0])[a[1]], blocks.get(b[0])[b[1]]));
        for (int b = 0; b < blocks.size(); b++) {
            Arrays.sort(blocks.get(b));
            if (blocks.get(b).length > 0) {
                heads.add(new int[] {b, 0});
            }
        }
        long[] found = new long[16];
        int suspects = 0;
        boolean hasPrevious = false;
        long previous = 0;
        while (!heads.isEmpty()) {
            int[] head = heads.poll();
            long value = blocks.get(head[0])[head[1]];
            if (hasPrevious && value == previous && (suspects == 0 || found[suspects - 1] != value)) {
                if (suspects == found.length) {
                    found = Arrays.copyOf(found, suspects * 2);
                }
                found[suspects++] = value;
            }
            hasPrevious = true;
            previous = value;
            if (++head[1] < blocks.get(head[0]).length) {
                heads.add(head);
            }
        }
        blocks.clear();
        return Arrays.copyOf(found, suspects);
    }

    /** FNV-1a over the id's characters, then MurmurHash3's finaliser to spread the bits. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93fe53ad2b3L;
        h ^= h >>> 33;
        return h;
    }
}
