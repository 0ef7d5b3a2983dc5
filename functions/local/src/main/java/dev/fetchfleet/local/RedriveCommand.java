package dev.fetchfleet.local;

import dev.fetchfleet.aws.AwsClients;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchfleet redrive}: dead-lettered chunks back to the chunk queue. */
@Command(name = "redrive", mixinStandardHelpOptions = true,
        description = "Move dead-lettered chunks back to the chunk queue (SQS StartMessageMoveTask where offered, "
                + "receive-and-send otherwise).")
final class RedriveCommand implements Callable<Integer> {
    @Option(names = "--dlq-url", required = true, description = "The dead-letter queue's URL.")
    String dlqUrl;

    @Option(names = "--queue-url", required = true, description = "The chunk queue's URL.")
    String queueUrl;

    @Option(names = "--endpoint-url", description = "SQS endpoint (a local server, say).")
    URI endpoint;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        // Its own --endpoint-url, for its help names SQS; the same fallback to the environment as the others.
        try (var sqs = AwsClients.sqs(AwsOptions.orEnvironment(endpoint))) {
            dev.fetchfleet.aws.Redrive.Result result = new dev.fetchfleet.aws.Redrive(sqs).run(dlqUrl, queueUrl);
            spec.commandLine().getOut().println(result.moveTask()
                    ? "started an SQS message move task for about " + result.messages() + " messages"
                    : "moved " + result.messages() + " messages back to the chunk queue");
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
