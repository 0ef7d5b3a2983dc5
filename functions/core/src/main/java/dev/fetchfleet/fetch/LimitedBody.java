package dev.fetchfleet.fetch;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read up to a size cap: past it the rest is not read (the connection is dropped) and
 * the body says it was truncated, so one huge answer can neither exhaust a worker's memory nor crash it.
 */
record LimitedBody(byte[] bytes, boolean truncated) {

    static HttpResponse.BodyHandler<LimitedBody> handler(long maxBytes) {
        return info -> new Subscriber(maxBytes);
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<LimitedBody> {
        private final long maxBytes;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final CompletableFuture<LimitedBody> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Subscriber(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<LimitedBody> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                int room = (int) Math.min(Integer.MAX_VALUE, maxBytes - buffer.size());
                int take = Math.min(room, item.remaining());
                byte[] chunk = new byte[take];
                item.get(chunk);
                buffer.write(chunk, 0, take);
                if (item.hasRemaining()) {
                    result.complete(new LimitedBody(buffer.toByteArray(), true));
                    subscription.cancel();
                    return;
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(new LimitedBody(buffer.toByteArray(), false));
        }
    }
}
