package dev.fetchfleet.fetch;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read up to a size cap: past it the rest is not read (the connection is dropped) and
 * the body says it was truncated, so one huge answer can neither exhaust a worker's memory nor crash it.
 * Read one buffer at a time, so that a body growing large can wait for its share of the worker's
 * {@link BodyBudget} before it reads on.
 */
record LimitedBody(byte[] bytes, boolean truncated) {

    static HttpResponse.BodyHandler<LimitedBody> handler(long maxBytes, BodyBudget.Share share) {
        int attempt = share.attempt();
        return info -> new Subscriber(maxBytes, share, attempt, info.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<LimitedBody> {
        private final long maxBytes;
        /** The body so far: grown to the announced length at once when it is known, so it is never copied. */
        private byte[] buffer;
        private int size;
        private final long announced;
        private final CompletableFuture<LimitedBody> result = new CompletableFuture<>();
        private final BodyBudget.Share share;
        private final int attempt;
        private Flow.Subscription subscription;
        private boolean shared;

        Subscriber(long maxBytes, BodyBudget.Share share, int attempt, long announced) {
            this.maxBytes = maxBytes;
            this.announced = announced;
            // What is free of the budget, at most: a Content-Length is the sender's word, not a reason to allocate.
            this.buffer = new byte[(int) Math.min(maxBytes, announced >= 0 ? Math.min(announced, BodyBudget.FREE_BYTES) : 8192)];
            this.share = share;
            this.attempt = attempt;
        }

        @Override
        public CompletionStage<LimitedBody> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                int room = (int) Math.min(Integer.MAX_VALUE - 16, maxBytes - size);
                int take = Math.min(room, item.remaining());
                ensure(size + take);
                item.get(buffer, size, take);
                size += take;
                if (item.hasRemaining()) {
                    result.complete(new LimitedBody(bytes(), true));
                    subscription.cancel();
                    return;
                }
            }
            if (!shared && size > BodyBudget.FREE_BYTES) {
                shared = true;
                long more = Math.max(0, maxBytes - BodyBudget.FREE_BYTES);
                if (!share.tryTake(attempt, more)) {
                    // Not on the client's thread: wait for the share on a thread of its own, then read on.
                    Thread.ofVirtual().start(() -> {
                        try {
                            if (share.take(attempt, more)) {
                                subscription.request(1);
                            } else {
                                subscription.cancel();
                            }
                        } catch (InterruptedException e) {
                            subscription.cancel();
                        }
                    });
                    return;
                }
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(new LimitedBody(bytes(), false));
        }

        private byte[] bytes() {
            return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
        }

        /** Room for {@code needed} bytes: the announced length once the body has its share, else doubling. */
        private void ensure(int needed) {
            if (needed <= buffer.length) {
                return;
            }
            long target = Math.max(needed, 2L * buffer.length);
            if (shared && announced >= needed) {
                target = announced;
            } else if (!shared) {
                target = Math.min(target, 2L * BodyBudget.FREE_BYTES); // no more until the share is taken
            }
            buffer = Arrays.copyOf(buffer, (int) Math.max(needed, Math.min(target, Math.min(maxBytes, Integer.MAX_VALUE - 16))));
        }
    }
}
