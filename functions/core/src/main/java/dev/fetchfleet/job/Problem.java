package dev.fetchfleet.job;

/** One thing wrong with a job: where (a JSON path such as {@code $.requests[3].url}), the value found, and why. */
public record Problem(String path, String value, String message) {

    @Override
    public String toString() {
        return value == null ? path + ": " + message : path + " = " + value + ": " + message;
    }
}
