package dev.fetchfleet.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * What a run will take, before any request is sent: counts of requests, chunks, SQS and S3 calls, the
 * expected wall time under the API's latency and the caps, and the cost on AWS beside a thread-pool
 * machine and a Step Functions Distributed Map.
 */
@JsonPropertyOrder({"requests", "chunks", "assumed_latency_ms", "worker_concurrency", "worker_memory_mb", "sqs_messages",
        "sqs_requests", "s3_puts", "s3_gets", "s3_lists", "expected_wall_seconds", "lambda_gb_seconds", "lambda_requests", "cost_usd",
        "alternatives", "prices_as_of", "dispatch_seconds"})
public record RunEstimate(
        @JsonProperty("requests") long requests,
        @JsonProperty("chunks") long chunks,
        @JsonProperty("assumed_latency_ms") long assumedLatencyMs,
        @JsonProperty("worker_concurrency") int workerConcurrency,
        @JsonProperty("worker_memory_mb") int workerMemoryMb,
        @JsonProperty("sqs_messages") long sqsMessages,
        @JsonProperty("sqs_requests") long sqsRequests,
        @JsonProperty("s3_puts") long s3Puts,
        /** GET and HEAD requests (one price tier). */
        @JsonProperty("s3_gets") long s3Gets,
        /** LIST requests, billed as PUTs; 0 in manifests written before they were predicted. */
        @JsonProperty("s3_lists") long s3Lists,
        @JsonProperty("expected_wall_seconds") double expectedWallSeconds,
        @JsonProperty("lambda_gb_seconds") double lambdaGbSeconds,
        @JsonProperty("lambda_requests") long lambdaRequests,
        @JsonProperty("cost_usd") double costUsd,
        @JsonProperty("alternatives") Map<String, Alternative> alternatives,
        @JsonProperty("prices_as_of") String pricesAsOf,
        /** How long queueing every chunk takes: reading the list, then chunk or range messages (null before it was estimated). */
        @JsonProperty("dispatch_seconds") Double dispatchSeconds) {

    /** An estimate without its LIST count and dispatch time, as manifests before them had. */
    public RunEstimate(long requests, long chunks, long assumedLatencyMs, int workerConcurrency, int workerMemoryMb,
                       long sqsMessages, long sqsRequests, long s3Puts, long s3Gets, double expectedWallSeconds,
                       double lambdaGbSeconds, long lambdaRequests, double costUsd, Map<String, Alternative> alternatives,
                       String pricesAsOf) {
        this(requests, chunks, assumedLatencyMs, workerConcurrency, workerMemoryMb, sqsMessages, sqsRequests, s3Puts, s3Gets,
                0, expectedWallSeconds, lambdaGbSeconds, lambdaRequests, costUsd, alternatives, pricesAsOf, null);
    }

    /** The same job done another way: its wall time and cost, and what the figure assumes. */
    public record Alternative(@JsonProperty("wall_seconds") double wallSeconds, @JsonProperty("cost_usd") double costUsd,
                              @JsonProperty("assumes") String assumes) {}
}
