package dev.fetchfleet.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fetchfleet bench}: the benchmarks, one subcommand each. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: 'caps' measures a local run beside the bound its caps set; 'compare' runs the same "
                + "request lists through one-after-another, platform thread pools and FetchFleet side by side.",
        subcommands = {BenchCapsCommand.class, BenchCompareCommand.class, BenchPagesCommand.class, BenchPlannerCommand.class,
                BenchCellCommand.class, BenchDispatchCommand.class, BenchDispatchCommand.Cell.class,
                BenchDispatchKillCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
