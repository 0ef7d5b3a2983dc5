package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parser's rules for a job's header (source, run id, incremental): used by the whole parse and, on
 * their own, by phase one of a job with {@code {{state:…}}} (see {@link JobParser#header}).
 */
final class JobHeaderReader {

    private static final Set<String> INCREMENTAL_FIELDS = Set.of("name", "itemsPath", "valuePath", "initial", "fullRefresh",
            "tolerateFailures");
    private static final Pattern STATE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9_-]{1,63}");
    static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final String RUN_ID_RULE = "must be 1 to 64 of A-Z a-z 0-9 _ -";

    private JobHeaderReader() {}

    /** The header, each field that breaks its rules null, its problems added to {@code problems}. */
    static JobHeader read(JsonNode root, List<Problem> problems) {
        if (root == null || !root.isObject()) {
            return new JobHeader(null, null, null);
        }
        Fields job = new Fields(root, "$", problems);
        int before = problems.size();
        String source = source(job);
        source = problems.size() == before ? source : null;
        before = problems.size();
        String runId = runId(job);
        runId = problems.size() == before ? runId : null;
        before = problems.size();
        Incremental incremental = incremental(job);
        return new JobHeader(source, runId, problems.size() == before ? incremental : null);
    }

    static String source(Fields job) {
        String source = job.string("source", null, true);
        if (source != null && !SOURCE.matcher(source).matches()) {
            job.problem("source", job.get("source"), "must be 1 to 63 lower-case letters, digits, '-' or '_'");
        }
        return source;
    }

    static String runId(Fields job) {
        String runId = job.string("runId", null, false);
        if (runId != null && !RUN_ID.matcher(runId).matches()) {
            job.problem("runId", job.get("runId"), RUN_ID_RULE);
        }
        return runId;
    }

    static Incremental incremental(Fields job) {
        Fields inc = job.object("incremental");
        if (inc == null) {
            return null;
        }
        inc.rejectUnknown(INCREMENTAL_FIELDS);
        String name = inc.string("name", Incremental.DEFAULT_NAME, false);
        if (!STATE_NAME.matcher(name).matches() || name.equals("last_success_started_at")) {
            inc.problem("name", inc.get("name"), "must be 1 to 64 of A-Z a-z 0-9 _, and not last_success_started_at");
        }
        return new Incremental(name, inc.string("itemsPath", null, true), inc.string("valuePath", null, true),
                inc.string("initial", null, true), inc.bool("fullRefresh", false),
                FailureTolerance.read(inc.get("tolerateFailures"), inc.path("tolerateFailures"), job.problems()));
    }
}
