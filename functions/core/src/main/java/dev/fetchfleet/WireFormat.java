package dev.fetchfleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The version each document FetchFleet writes for another process carries in {@value #FIELD}: stamped on
 * write, checked on read. A document without one was written before versions existed (0) and reads as
 * before; one whose major version is past what this code knows is refused, so an old worker never reads
 * a renamed field as its default while old and new run side by side during a deploy. The JSON Schema of
 * each is under {@code dev/fetchfleet/contracts/} in this module's resources.
 */
public enum WireFormat {

    /**
     * 2: auth and the new paginate fields; a worker of 1 would silently ignore them. 4 (3 is the range message's,
     * which travels on the same queue): children, origin and parents, which a worker of 2 would drop, making no children.
     */
    CHUNK_MESSAGE("chunk message", 4, "this worker", "deploy the new worker before the new dispatcher"),
    /**
     * A slice of a run's chunks for a worker to cut and send (fan-out dispatch). It travels on the chunk queue,
     * numbered after the chunk message: a worker that knows only chunk messages (2 and before) refuses it as
     * newer, with the remedy, instead of taking it for a malformed chunk.
     */
    CHUNK_RANGE("chunk range message", 3, "this worker", "deploy the new worker before the new dispatcher"),
    /** 2: next_token, a cursor sent in a body or header. */
    CHECKPOINT_ENTRY("checkpoint entry", 2, "this worker", "a newer worker began this chunk; let the newer worker finish it"),
    BRONZE_RECORD("bronze record", 1, "this reader", "read it with the FetchFleet version that wrote it, or a newer one"),
    /** 2: the job moved out to {@code _job.json}; a reader of 1 would take a run as having no incremental settings. */
    MANIFEST("manifest", 2, "this code", "deploy the new worker before the new dispatcher, and read it with a CLI as new"),
    SUCCESS("_SUCCESS", 1, "this reader", "read it with the FetchFleet version that wrote it, or a newer one"),
    DISPATCH_PROGRESS("dispatch progress", 1, "this reader", "read it with a CLI as new"),
    PART_SUMMARY("part summary", 1, "this code", "a newer worker wrote this run's parts; complete it with that version"),
    STATE("state", 1, "this code", "a newer FetchFleet moved this source's state; run the source with that version");

    /** The name of the version field in every document. */
    public static final String FIELD = "schema_version";

    private final String document;
    private final int current;
    private final String reader;
    private final String remedy;

    WireFormat(String document, int current, String reader, String remedy) {
        this.document = document;
        this.current = current;
        this.reader = reader;
        this.remedy = remedy;
    }

    /** The version this code writes, and the newest major version it reads. */
    public int current() {
        return current;
    }

    /** What the document is called in errors. */
    public String document() {
        return document;
    }

    /**
     * A declared version, checked: 0 (none) and anything up to {@link #current()} read; past it, refused.
     * Returns the current version, as a value once read is held in this code's shape.
     */
    public int read(int declared) {
        if (declared > current) {
            throw new Refused(document + " format " + declared + " is newer than " + reader + " reads (" + current + "): " + remedy);
        }
        if (declared < 0) {
            throw new Refused(document + " format " + declared + " is not a version");
        }
        return current;
    }

    /** Checks the version {@code tree} declares at {@value #FIELD}, if any; returns the tree. */
    public JsonNode check(JsonNode tree) {
        JsonNode version = tree == null ? null : tree.get(FIELD);
        if (version != null && !version.isNull()) {
            if (!version.isIntegralNumber() || !version.canConvertToInt()) {
                throw new Refused(document + " has " + FIELD + " " + version + ", not a whole number");
            }
            read(version.intValue());
        }
        return tree;
    }

    /** {@code tree} with this document's current version first, as written. */
    public ObjectNode stamp(ObjectNode tree) {
        ObjectNode stamped = tree.objectNode();
        stamped.put(FIELD, current);
        tree.properties().forEach(field -> {
            if (!field.getKey().equals(FIELD)) {
                stamped.set(field.getKey(), field.getValue());
            }
        });
        return stamped;
    }

    /** A document this code must not read: its version is newer than it knows, or not a version. */
    public static final class Refused extends IllegalArgumentException {

        public Refused(String message) {
            super(message);
        }

        /** The same refusal, saying where the document was. */
        public Refused at(String where) {
            Refused located = new Refused(where + ": " + getMessage());
            located.setStackTrace(getStackTrace());
            return located;
        }

        /** The refusal among {@code error}'s causes (Jackson wraps what a record's constructor throws), or null. */
        public static Refused in(Throwable error) {
            for (Throwable cause = error; cause != null; cause = cause.getCause()) {
                if (cause instanceof Refused refused) {
                    return refused;
                }
            }
            return null;
        }
    }
}
