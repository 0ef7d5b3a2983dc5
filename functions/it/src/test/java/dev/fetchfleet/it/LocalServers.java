package dev.fetchfleet.it;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import com.adobe.testing.s3mock.testsupport.common.S3MockStarter;
import dev.fetchfleet.aws.AwsClients;
import dev.fetchfleet.local.EmbeddedSqs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real protocol servers the integration tests talk to, started once per test JVM: ElasticMQ for
 * SQS, S3Mock for S3. Each test makes its own bucket and queues, so tests never share state.
 */
final class LocalServers {

    private static EmbeddedSqs sqs;
    private static S3MockStarter s3Mock;
    private static S3Client s3;
    private static MotoServer moto;

    private LocalServers() {}

    static synchronized EmbeddedSqs sqs() {
        if (sqs == null) {
            sqs = EmbeddedSqs.start();
            Runtime.getRuntime().addShutdownHook(new Thread(sqs::close));
        }
        return sqs;
    }

    static synchronized S3Client s3() {
        if (s3 == null) {
            s3 = AwsClients.s3(s3Endpoint());
        }
        return s3;
    }

    /** moto's server, started once per test JVM; null when moto_server is not installed. */
    static synchronized MotoServer moto() {
        if (moto == null && MotoServer.installed()) {
            try {
                moto = MotoServer.start();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("moto_server is installed but did not start", e);
            }
            MotoServer started = moto;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        return moto;
    }

    static synchronized URI s3Endpoint() {
        if (s3Mock == null) {
            int port = freePort();
            s3Mock = S3MockExtension.builder().silent().withSecureConnection(false).withHttpPort(port).build();
            s3Mock.start();
            Runtime.getRuntime().addShutdownHook(new Thread(s3Mock::stop));
        }
        return URI.create("http://127.0.0.1:" + s3Mock.getHttpPort());
    }

    static String newBucket() {
        String bucket = "bronze-" + UUID.randomUUID().toString().substring(0, 8);
        s3().createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
