package dev.fetchfleet.job;

/**
 * What a caller changes in a job it did not write (the CLI's {@code --run-id} and {@code --full-refresh}),
 * applied to the typed header, never to the document: a run id to use (null: the job's own), and whether
 * to ignore the source's incremental state.
 */
public record JobOverrides(String runId, boolean fullRefresh) {

    public static final JobOverrides NONE = new JobOverrides(null, false);

    /** @throws JobValidationException for a run id the job itself could not name (it becomes part of every key) */
    public JobOverrides {
        if (runId != null && !JobHeaderReader.RUN_ID.matcher(runId).matches()) {
            throw JobValidationException.of("$.runId", '"' + runId + '"', JobHeaderReader.RUN_ID_RULE);
        }
    }

    public JobHeader applyTo(JobHeader header) {
        JobHeader changed = runId == null ? header : header.withRunId(runId);
        return fullRefresh && changed.incremental() != null
                ? changed.withIncremental(changed.incremental().withFullRefresh(true)) : changed;
    }
}
