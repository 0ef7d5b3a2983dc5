package dev.fetchfleet.job;

import java.util.List;
import java.util.stream.Collectors;

/** A job that cannot run as written; every problem names the field and the value, and nothing was sent. */
public final class JobValidationException extends RuntimeException {

    private final List<Problem> problems;

    public JobValidationException(List<Problem> problems) {
        // No stack trace: the message is the whole story, and the user's, not the code's (Lambda's error result included).
        super(describe(problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public static JobValidationException of(String path, String value, String message) {
        return new JobValidationException(List.of(new Problem(path, value, message)));
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        return "invalid job (" + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
