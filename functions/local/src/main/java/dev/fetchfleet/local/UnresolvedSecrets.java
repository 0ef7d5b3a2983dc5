package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.job.JobValidationException;
import dev.fetchfleet.job.Problem;
import dev.fetchfleet.job.SecretMentions;
import dev.fetchfleet.job.TextFiles;
import java.util.List;

/**
 * Refuses, before anything is sent, a local run whose job names secrets ({@code {{ssm:…}}},
 * {@code {{secretsmanager:…}}}) when the run has no secret store: every chunk would fail its deliveries
 * and end in the dead-letter queue, when one line can say to pass {@code --resolve-secrets}.
 */
final class UnresolvedSecrets {

    static final String HINT = "names a secret, and this local run resolves none: pass --resolve-secrets to read it "
            + "through AWS (or --endpoint-url), or write the value in the job for a test";
    private static final int MAX_PROBLEMS = 20;

    private UnresolvedSecrets() {}

    /**
     * {@code job}: the document as {@link dev.fetchfleet.job.JobDocuments} read it, strictly.
     * @throws JobValidationException naming each place (JSON path, or requestsFrom file and line) that holds a reference
     */
    static void refuse(JsonNode job, TextFiles files) {
        List<Problem> problems = SecretMentions.in(job, files, MAX_PROBLEMS).stream()
                .map(place -> new Problem(place.path(), place.value() == null ? null : '"' + place.value() + '"', HINT))
                .toList();
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
    }
}
