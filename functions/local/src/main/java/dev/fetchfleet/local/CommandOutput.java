package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.job.JobValidationException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** How every command ends: human lines on stderr, the result as one line of JSON on stdout, an exit code. */
final class CommandOutput {
    private CommandOutput() {
    }

    /** One line per problem, and exit 1: the job is refused before anything is sent. */
    static int invalidJob(PrintWriter err, JobValidationException e) {
        err.println(e.getMessage());
        err.println("nothing was sent.");
        err.flush();
        return FetchFleetCli.EXIT_INVALID_JOB;
    }

    /** The command's result as the last line on stdout, one line of JSON, after its human lines on stderr. */
    static void printJson(CommandLine.Model.CommandSpec spec, ObjectMapper mapper, Object value) throws IOException {
        spec.commandLine().getErr().flush();
        spec.commandLine().getOut().println(mapper.writeValueAsString(value));
        spec.commandLine().getOut().flush();
    }
}
