package dev.fetchfleet.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fetchfleet}: run jobs locally, through the same handlers the Lambdas run; one class per subcommand. */
@Command(name = "fetchfleet", mixinStandardHelpOptions = true, version = "fetchfleet 0.1.0",
        description = "Fan slow HTTP API calls out to a fleet of workers and land every response in bronze.",
        subcommands = {RunCommand.class, DemoCommand.class, DemoApiCommand.class, BenchCommand.class,
                StatusCommand.class, RedriveCommand.class, PlanCommand.class, ValidateCommand.class})
public final class FetchFleetCli {

    static final int EXIT_INVALID_JOB = 1;
    static final int EXIT_INCOMPLETE = 3;
    /** Bronze could not be written (a full disk, a read-only directory): not the job's fault, nor the API's. */
    static final int EXIT_BRONZE_WRITE = 4;

    /** Commands that run the fleet on an embedded SQS, which {@link #main} starts while the command line is parsed. */
    static final java.util.Set<String> FLEET_COMMANDS = java.util.Set.of("run", "demo");

    public static void main(String[] args) {
        if (args.length > 0 && FLEET_COMMANDS.contains(args[0])) {
            EmbeddedSqs.startEarly();
        }
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return new CommandLine(new FetchFleetCli()).execute(args);
    }
}
