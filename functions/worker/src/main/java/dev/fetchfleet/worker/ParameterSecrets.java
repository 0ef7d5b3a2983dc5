package dev.fetchfleet.worker;

import dev.fetchfleet.fetch.SecretReferences;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.parameters.BaseProvider;
import software.amazon.lambda.powertools.parameters.secrets.SecretsProvider;
import software.amazon.lambda.powertools.parameters.ssm.SSMProvider;

/**
 * Resolves {@code {{ssm:NAME}}} and {@code {{secretsmanager:NAME}}} through Powertools parameters,
 * cached for five minutes so a warm worker does not call AWS per request. Clients are made on first
 * use: a job without secret references never needs them (nor their IAM permissions).
 */
public final class ParameterSecrets implements SecretReferences.Store {

    private final Supplier<SSMProvider> ssm;
    private final Supplier<SecretsProvider> secrets;

    public ParameterSecrets(Supplier<SsmClient> ssmClient, Supplier<SecretsManagerClient> secretsClient) {
        this.ssm = memoize(() -> SSMProvider.builder().withClient(ssmClient.get()).build().withDecryption());
        this.secrets = memoize(() -> SecretsProvider.builder().withClient(secretsClient.get()).build());
    }

    /** Clients built like the SDK's others; {@code endpoint} may be null (AWS itself). */
    public static ParameterSecrets forEndpoint(URI endpoint) {
        return new ParameterSecrets(
                () -> {
                    var builder = SsmClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
                    return (endpoint == null ? builder : builder.endpointOverride(endpoint)).build();
                },
                () -> {
                    var builder = SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
                    return (endpoint == null ? builder : builder.endpointOverride(endpoint)).build();
                });
    }

    @Override
    public synchronized String value(String kind, String name) {
        BaseProvider provider = switch (kind) {
            case "ssm" -> ssm.get();
            case "secretsmanager" -> secrets.get();
            default -> throw new IllegalArgumentException("unknown secret store " + kind);
        };
        return provider.withMaxAge(5, ChronoUnit.MINUTES).get(name);
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
