package dev.fetchfleet.bronze;

/** Names one run's place in bronze: {@code source=…/ingest_date=…/run_id=…/}. */
public record RunRef(String source, String ingestDate, String runId) {

    public String prefix() {
        return "source=" + source + "/ingest_date=" + ingestDate + "/run_id=" + runId + "/";
    }

    public String partKey(int chunk) {
        return prefix() + partName(chunk);
    }

    public static String partName(int chunk) {
        return String.format("part-%05d.jsonl.gz", chunk);
    }

    public String manifestKey() {
        return prefix() + "_manifest.json";
    }

    public String successKey() {
        return prefix() + "_SUCCESS";
    }

    /**
     * Where a run's ingest date is recorded by run id, so that the same run id (a resumed run, a retried
     * dispatch) finds its partition again on another day.
     */
    public static String indexKey(String source, String runId) {
        return "_runs/source=" + source + "/run_id=" + runId + ".json";
    }

    /** A chunk's fetched records while it is unfinished; removed once its part is written. */
    public String checkpointKey(int chunk) {
        return "_checkpoints/" + prefix() + String.format("chunk-%05d.jsonl.gz", chunk);
    }

    /** Claim-check objects live outside the data partitions, so readers of bronze never see them. */
    public String claimCheckKey(int chunk) {
        return "_chunks/" + prefix() + String.format("chunk-%05d.json", chunk);
    }
}
