package dev.fetchfleet.job;

/**
 * What picks a run's {@code {{state:…}}} values, read before the rest of the job (phase one of a
 * two-phase parse): the source, the run id the user pinned (or null), and the incremental settings (or
 * null). A field that breaks the parser's rules is null here; the full parse then says why.
 */
public record JobHeader(String source, String runId, Incremental incremental) {

    public JobHeader withRunId(String runId) {
        return new JobHeader(source, runId, incremental);
    }

    public JobHeader withIncremental(Incremental incremental) {
        return new JobHeader(source, runId, incremental);
    }
}
