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

    /**
     * Where a chunk's checkpoint segments live while it is unfinished (what it fetched, and where its
     * chains go on); removed once its part is written. Outside the data partitions, as readers of bronze
     * must never see half a chunk.
     */
    public String checkpointPrefix(int chunk) {
        return checkpointsPrefix() + String.format("chunk-%05d/", chunk);
    }

    /** Every chunk's checkpoint segments of this run. */
    public String checkpointsPrefix() {
        return "_checkpoints/" + prefix();
    }

    /** Claim-check objects live outside the data partitions, so readers of bronze never see them. */
    public String claimCheckKey(int chunk) {
        return "_chunks/" + prefix() + String.format("chunk-%05d.json", chunk);
    }
}
