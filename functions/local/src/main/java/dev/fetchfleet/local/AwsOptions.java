package dev.fetchfleet.local;

import dev.fetchfleet.aws.AwsClients;
import java.net.URI;
import java.util.function.Supplier;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The AWS endpoint a command talks to, and the clients built on it, for every command that touches S3 or SQS. */
class AwsOptions {
    @Option(names = "--endpoint-url", description = "S3 endpoint for an s3:// bronze root or requestsFrom (a local S3 server, say).")
    URI endpoint;

    /** The --endpoint-url given, else the environment's (FETCHFLEET_ENDPOINT_URL), else null for AWS itself. */
    URI endpoint() {
        return orEnvironment(endpoint);
    }

    static URI orEnvironment(URI endpoint) {
        return endpoint != null ? endpoint : AwsClients.endpointFromEnvironment();
    }

    /** An S3 client built on first use: a run on a local bronze directory never builds one. */
    Supplier<S3Client> s3() {
        URI endpoint = endpoint();
        return new Supplier<>() {
            private S3Client client;

            @Override
            public synchronized S3Client get() {
                if (client == null) {
                    client = AwsClients.s3(endpoint);
                }
                return client;
            }
        };
    }

    SqsClient sqs() {
        return AwsClients.sqs(endpoint());
    }
}
