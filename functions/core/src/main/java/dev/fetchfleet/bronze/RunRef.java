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

    /** A chunk's name in keys: its index in five digits, or a child chunk's name ({@code 00003-00001}: parent part 3's second). */
    public static String chunkName(int chunk) {
        return String.format("%05d", chunk);
    }

    public String partKey(String chunkName) {
        return prefix() + "part-" + chunkName + ".jsonl.gz";
    }

    /** The folder beside the parts for their summaries; its leading underscore keeps Athena, Spark and Glue off it. */
    public static final String SUMMARIES = "_summaries";
    /** Chunks are summarised in groups of this many, so each completion check lists one page of keys. */
    public static final int SUMMARY_GROUP = 1000;

    /** A part's summary, written once the part is (counts, state candidate, S3 requests): what completion reads. */
    public String summaryKey(int chunk) {
        return summaryKey(chunkName(chunk));
    }

    public String summaryKey(String chunkName) {
        return prefix() + SUMMARIES + "/summary-" + chunkName + ".json";
    }

    /** Every summary of the run (a child level's are named by their parent part, so they are listed, not counted up to). */
    public String summariesPrefix() {
        return prefix() + SUMMARIES + "/summary-";
    }

    /** A child level's: how many chunks its parent level announced, written once the parent level is complete. */
    public String announcedKey() {
        return prefix() + SUMMARIES + "/_announced.json";
    }

    /** Who fetches a child request reached from several parents: the first parent part to create this key. */
    public String childClaimKey(String requestId) {
        return "_claims/" + prefix() + requestId;
    }

    /**
     * The keys of a chunk's group of summaries start with this ({@code summary-00042.json} in group 0 starts
     * {@code summary-00}); past 99,999 chunks another group's keys may share it, so listers check the index.
     * Not {@code part-}: whoever globs a run's parts must not find summaries.
     */
    public String summaryGroupPrefix(int group) {
        String first = String.format("%05d", group * SUMMARY_GROUP);
        return prefix() + SUMMARIES + "/summary-" + first.substring(0, first.length() - 3);
    }

    /**
     * The keys of a chunk's group of parts start with this ({@code part-00042.jsonl.gz} in group 0 starts
     * {@code part-00}), for parts that carry their summary: listed as {@link #summaryGroupPrefix} is.
     */
    public String partGroupPrefix(int group) {
        String first = String.format("%05d", group * SUMMARY_GROUP);
        return prefix() + "part-" + first.substring(0, first.length() - 3);
    }

    /** Written when every summary of a group exists, so completion lists groups rather than every summary. */
    public String summaryGroupDoneKey(int group) {
        return prefix() + SUMMARIES + "/" + String.format("group-%05d.done", group);
    }

    public String summaryGroupsDonePrefix() {
        return prefix() + SUMMARIES + "/group-";
    }

    /** The right to complete the run, taken with a conditional write by exactly one worker. */
    public String completionClaimKey() {
        return prefix() + SUMMARIES + "/_completing";
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
        return checkpointPrefix(chunkName(chunk));
    }

    public String checkpointPrefix(String chunkName) {
        return checkpointsPrefix() + "chunk-" + chunkName + "/";
    }

    /** Every chunk's checkpoint segments of this run. */
    public String checkpointsPrefix() {
        return "_checkpoints/" + prefix();
    }

    /** Claim-check objects live outside the data partitions, so readers of bronze never see them. */
    public String claimCheckKey(int chunk) {
        return claimCheckKey(chunkName(chunk));
    }

    public String claimCheckKey(String chunkName) {
        return "_chunks/" + prefix() + "chunk-" + chunkName + ".json";
    }
}
