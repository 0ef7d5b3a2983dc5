package dev.fetchfleet.job;

import java.util.regex.Pattern;

/**
 * One thing wrong with a job: where (a JSON path such as {@code $.requests[3].url}), the value found, and why.
 * A URL's user info is masked in the value: a password written into a URL must not reach a log either.
 */
public record Problem(String path, String value, String message) {

    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#@\\s\"]*@");

    public Problem {
        path = oneLine(path);
        value = value == null ? null : oneLine(withoutUserInfo(value));
    }

    /** CR, LF and NUL written as escapes: one problem is one line of a log or a terminal, whatever the job holds. */
    private static String oneLine(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\u0000");
    }

    /** {@code text} with the user info of every URL in it masked. */
    static String withoutUserInfo(String text) {
        return USER_INFO.matcher(text).replaceAll("$1***@");
    }

    @Override
    public String toString() {
        return value == null ? path + ": " + message : path + " = " + value + ": " + message;
    }
}
