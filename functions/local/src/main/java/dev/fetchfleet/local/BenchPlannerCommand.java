package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchfleet bench planner}: the planner's prediction beside measured local runs. */
@Command(name = "planner", mixinStandardHelpOptions = true,
        description = "The planner's wall-time prediction beside measured local runs (concurrency-, rate- and wave-bound jobs); "
                + "exit 0 when every prediction is within --tolerance of its run, 3 when not.")
final class BenchPlannerCommand implements Callable<Integer> {
    @Option(names = "--tolerance", defaultValue = "0.20", description = "Largest error allowed, as a fraction of the measured time (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--scenario", split = ",", description = "Only these scenarios (default: all of concurrency-bound, rate-bound, wave-bound).")
    List<String> only;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ObjectMapper mapper = Json.newMapper();
        PrintWriter err = spec.commandLine().getErr();
        List<BenchPlanner.Result> results = new java.util.ArrayList<>();
        boolean within = true;
        for (BenchPlanner.Scenario scenario : BenchPlanner.SCENARIOS) {
            if (only != null && !only.contains(scenario.name())) {
                continue;
            }
            BenchPlanner.Result r = BenchPlanner.measure(scenario, mapper);
            err.printf("planner, %s: predicted %.2f s, measured %.2f s, off by %.0f%%%s%n", scenario.name(),
                    r.predictedSeconds(), r.measuredSeconds(), r.error() * 100, r.complete() ? "" : " (run INCOMPLETE)");
            err.flush();
            results.add(r);
            within &= r.complete() && r.error() <= tolerance;
        }
        CommandOutput.printJson(spec, mapper, results);
        return within ? 0 : FetchFleetCli.EXIT_INCOMPLETE;
    }
}
