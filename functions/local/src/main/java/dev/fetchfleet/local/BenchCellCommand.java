package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fetchfleet bench cell}: one benchmark cell in its own JVM. */
@Command(name = "cell", hidden = true, description = "One benchmark cell, in its own JVM (used by compare).")
final class BenchCellCommand implements Callable<Integer> {
    @Option(names = "--kind", required = true)
    BenchCell.Kind kind;

    @Option(names = "--threads", defaultValue = "1")
    int threads;

    @Option(names = "--requests", required = true)
    int requests;

    @Option(names = "--api", required = true)
    URI api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ObjectMapper mapper = Json.newMapper();
        CommandOutput.printJson(spec, mapper, BenchCell.run(kind, threads, requests, api, mapper));
        return 0;
    }
}
