package dev.fetchfleet.local;

import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by the commands that run or read a local fleet: how the fleet is shaped, and the AWS endpoint. */
class FleetOptions {
    @Option(names = "--workers", defaultValue = "10", description = "Concurrent worker instances (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--worker-timeout", defaultValue = "900", description = "Worker timeout in seconds, as the Lambda's (default ${DEFAULT-VALUE}).")
    int workerTimeoutSeconds;

    @Option(names = "--max-receive-count", defaultValue = "5", description = "Deliveries of a chunk before it goes to the DLQ (default ${DEFAULT-VALUE}).")
    int maxReceiveCount;

    @Option(names = "--timeout", defaultValue = "3600", description = "Give up on the run after this many seconds (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--resolve-secrets", description = "Resolve {{ssm:…}} / {{secretsmanager:…}} header references through AWS "
            + "(or --endpoint-url); off by default, when a reference fails its chunk.")
    boolean resolveSecrets;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on stderr but what went wrong; stdout still ends with the JSON summary.")
    boolean quiet;

    @Option(names = "--json", description = "Progress on stderr as JSON objects, one per line (events dispatched, progress), for programs.")
    boolean json;

    @Mixin
    AwsOptions aws = new AwsOptions();

    TerminalMode terminal() {
        return TerminalMode.of(quiet, json);
    }

    LocalFleet.Options fleet() {
        return new LocalFleet.Options(workers, Duration.ofSeconds(workerTimeoutSeconds), maxReceiveCount, Duration.ofSeconds(timeoutSeconds));
    }
}
