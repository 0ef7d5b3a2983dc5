package dev.fetchfleet.local;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Where a paginated run's time goes, as the demo API sees its feed: the gap between a chain's answer
 * going out and the same chain's next page coming in (the client's own time per page), how far apart the
 * chains' first pages came (the fleet's start), and each chain's span. A chain's pages come one at a time,
 * so its last answer and next arrival never race.
 */
final class FeedGaps {

    private static final int MAX_GAPS_KEPT = 1_000_000;

    private record Chain(long firstArrival, long lastAnswer) {}

    private final Map<String, Chain> chains = new ConcurrentHashMap<>();
    private final AtomicLongArray gaps = new AtomicLongArray(MAX_GAPS_KEPT);
    private final AtomicInteger gapCount = new AtomicInteger();
    /** Gaps summed by page (the first BY_PAGE pages): a warm-up shows in the first pages, a steady cost in all. */
    private static final int BY_PAGE = 64;
    private final AtomicLongArray gapSumByPage = new AtomicLongArray(BY_PAGE);
    private final AtomicLongArray gapCountByPage = new AtomicLongArray(BY_PAGE);

    /** Page {@code cursor} of {@code chain} came in now. */
    void arrived(String chain, int cursor) {
        long now = System.nanoTime();
        if (cursor == 0) {
            chains.put(chain, new Chain(now, Long.MIN_VALUE));
            return;
        }
        Chain known = chains.get(chain);
        if (known != null && known.lastAnswer() != Long.MIN_VALUE) {
            int i = gapCount.getAndIncrement();
            if (i < MAX_GAPS_KEPT) {
                gaps.set(i, now - known.lastAnswer());
            }
            if (cursor < BY_PAGE) {
                gapSumByPage.addAndGet(cursor, now - known.lastAnswer());
                gapCountByPage.incrementAndGet(cursor);
            }
        }
    }

    /** An answer of {@code chain} is written at {@code nanos} (just before, so that its next page never comes first). */
    void answered(String chain, long nanos) {
        chains.computeIfPresent(chain, (k, c) -> new Chain(c.firstArrival(), nanos));
    }

    /** The figures as a JSON object: milliseconds, gaps as percentiles. */
    String json() {
        int n = Math.min(gapCount.get(), MAX_GAPS_KEPT);
        long[] sorted = new long[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = gaps.get(i);
        }
        Arrays.sort(sorted);
        long[] firsts = chains.values().stream().mapToLong(Chain::firstArrival).sorted().toArray();
        long[] spans = chains.values().stream().filter(c -> c.lastAnswer() != Long.MIN_VALUE)
                .mapToLong(c -> c.lastAnswer() - c.firstArrival()).sorted().toArray();
        return "{\"chains\":" + chains.size() + ",\"gaps\":" + n
                + ",\"gapMeanMillis\":" + millis(n == 0 ? 0 : (long) Arrays.stream(sorted).average().orElse(0))
                + ",\"gapP50Millis\":" + millis(at(sorted, 0.50)) + ",\"gapP90Millis\":" + millis(at(sorted, 0.90))
                + ",\"gapP99Millis\":" + millis(at(sorted, 0.99)) + ",\"gapMaxMillis\":" + millis(at(sorted, 1.0))
                + ",\"firstPageSpreadMillis\":" + millis(firsts.length == 0 ? 0 : firsts[firsts.length - 1] - firsts[0])
                + ",\"chainSpanP50Millis\":" + millis(at(spans, 0.50)) + ",\"chainSpanMaxMillis\":" + millis(at(spans, 1.0))
                + ",\"gapMeanMillisByPage\":" + IntStream.range(1, BY_PAGE).filter(p -> gapCountByPage.get(p) > 0)
                        .mapToObj(p -> Double.toString(millis(gapSumByPage.get(p) / gapCountByPage.get(p))))
                        .collect(Collectors.joining(",", "[", "]")) + "}";
    }

    private static long at(long[] sorted, double quantile) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1 < 0 ? 0
                : Math.ceil(quantile * sorted.length) - 1)];
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }
}
