package dev.fetchfleet.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * Builds the SDK clients the same way everywhere: the url-connection HTTP client (small, quick to
 * start in Lambda), standard retries, and an optional endpoint for local servers (with path-style S3,
 * which local servers need).
 */
public final class AwsClients {

    private AwsClients() {}

    private static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .apiCallTimeout(Duration.ofMinutes(2))
                .build();
    }

    /** {@code endpoint} may be null: then the SDK's own resolution (region, AWS_ENDPOINT_URL) applies. */
    public static S3Client s3(URI endpoint) {
        return s3(endpoint, null);
    }

    /** {@code region} may be null too: then the SDK looks it up (AWS_REGION, profile). */
    public static S3Client s3(URI endpoint, Region region) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(overrides());
        if (endpoint != null) {
            builder.endpointOverride(endpoint).forcePathStyle(true);
        }
        if (region != null) {
            builder.region(region);
        }
        return builder.build();
    }

    public static SqsClient sqs(URI endpoint) {
        return sqs(endpoint, null);
    }

    public static SqsClient sqs(URI endpoint, Region region) {
        SqsClientBuilder builder = SqsClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(overrides());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        if (region != null) {
            builder.region(region);
        }
        return builder.build();
    }

    /** The endpoint named by FETCHFLEET_ENDPOINT_URL, or null; read where the deployed handlers read it. */
    public static URI endpointFromEnvironment() {
        return FleetEnvironment.system().endpoint();
    }
}
