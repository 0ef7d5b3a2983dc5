package dev.fetchfleet.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Reads a job document as the untrusted text it is: at most {@link #MAX_BYTES}, exactly one JSON object,
 * no key twice in any object, nothing after the object, nesting at most {@link #MAX_NESTING_DEPTH} deep.
 * Whatever is wrong comes back as one {@link JobValidationException} with a JSON path, never as a parser's
 * stack trace; a duplicate {@code "allowLinkLocal"} must not silently take its last value.
 */
public final class JobDocuments {

    /** Lambda's limit for a synchronous invocation's payload; longer request lists belong in {@code requestsFrom}. */
    public static final int MAX_BYTES = 6 * 1024 * 1024;
    /** Far deeper than any job or request body needs, far shallower than a stack overflow. */
    public static final int MAX_NESTING_DEPTH = 64;

    private static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(MAX_BYTES).maxDocumentLength(MAX_BYTES).build())
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(STRICT);

    private JobDocuments() {}

    /** The job object of a document; messages may quote the document, which its author wrote. */
    public static JsonNode read(String document) {
        if (document.length() > MAX_BYTES) {
            throw tooLarge();
        }
        try (JsonParser parser = STRICT.createParser(document)) {
            return readObject(parser);
        } catch (IOException e) {
            throw JobValidationException.of("$", null, "cannot be read: " + e.getMessage());
        }
    }

    /** The job object of a stream (a Lambda event), reading no more than {@link #MAX_BYTES} of it. */
    public static JsonNode read(InputStream input) throws IOException {
        byte[] bytes = input.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw tooLarge();
        }
        return read(new String(bytes, StandardCharsets.UTF_8));
    }

    /** A job file named on this machine: a regular file (see {@link LocalTextFiles}), at most {@link #MAX_BYTES}. */
    public static String readFile(Path file) {
        try (InputStream in = LocalTextFiles.openRegularFile(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw tooLarge();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw JobValidationException.of("$", '"' + file.toString() + '"', "cannot be read: " + LocalTextFiles.reason(e));
        }
    }

    /**
     * One value of a file the job points at ({@code requestsFrom}), under the same rules. Its text is not the
     * job author's to see, so the problem names the column only, never the text or the parser's own words.
     */
    static JsonNode readLine(String text, String path, List<Problem> problems) {
        try (JsonParser parser = STRICT.createParser(text)) {
            return readValue(parser, path, problems);
        } catch (IOException e) {
            problems.add(new Problem(path, null, "cannot be read"));
            return null;
        }
    }

    private static JsonNode readValue(JsonParser parser, String path, List<Problem> problems) throws IOException {
        try {
            JsonNode node = MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                problems.add(new Problem(path, null, "has content after its value (column " + column(parser) + "); one request a line"));
                return null;
            }
            return node;
        } catch (JsonProcessingException e) {
            problems.add(new Problem(path, null, duplicate(e) ? "gives a key twice (column " + column(parser) + ")"
                    : "is not valid JSON (column " + column(parser) + ")" + constraint(e)));
            return null;
        }
    }

    private static JsonNode readObject(JsonParser parser) throws IOException {
        JsonNode node;
        try {
            node = MAPPER.readTree(parser);
        } catch (JsonProcessingException e) {
            String at = "(line " + line(parser) + ", column " + column(parser) + ")";
            throw JobValidationException.of(pathOf(parser.getParsingContext()), null, duplicate(e)
                    ? "is given twice " + at + "; a key may appear once in an object, or which one counts is a guess"
                    : "is not valid JSON " + at + ": " + reason(e));
        }
        if (node == null || node.isMissingNode()) {
            throw JobValidationException.of("$", null, "is empty; a job is one JSON object");
        }
        if (!node.isObject()) {
            throw JobValidationException.of("$", Fields.shown(node), "a job must be a JSON object");
        }
        boolean trailing;
        try {
            trailing = parser.nextToken() != null;
        } catch (JsonProcessingException e) {
            trailing = true; // not even a token: still something after the object
        }
        if (trailing) {
            throw JobValidationException.of("$", null, "has content after the job object (line " + line(parser)
                    + ", column " + column(parser) + "); a job is exactly one JSON object");
        }
        return node;
    }

    private static boolean duplicate(JsonProcessingException e) {
        return e.getOriginalMessage().startsWith("Duplicate field");
    }

    private static String reason(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        String limit = constraint(e);
        if (!limit.isEmpty()) {
            return limit.substring(2);
        }
        String first = message.lines().findFirst().orElse("");
        return first.length() > 200 ? first.substring(0, 200) + "…" : first;
    }

    private static String constraint(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
            // Jackson's constraint messages give lengths and limits, never the text itself.
            return e.getOriginalMessage().contains("depth") ? "; nested deeper than " + MAX_NESTING_DEPTH + " levels"
                    : "; " + e.getOriginalMessage().lines().findFirst().orElse("a value too long");
        }
        return "";
    }

    private static JobValidationException tooLarge() {
        return JobValidationException.of("$", null, "is larger than " + MAX_BYTES + " bytes (6 MiB, Lambda's payload limit); "
                + "put long request lists in a requestsFrom file");
    }

    /** The JSON path of where the parser stopped, as the rest of the validation writes paths. */
    static String pathOf(JsonStreamContext context) {
        ArrayDeque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.inObject() && c.getCurrentName() != null) {
                parts.addFirst("." + c.getCurrentName());
            }
        }
        String path = "$" + String.join("", parts);
        return path.length() > 200 ? path.substring(0, 200) + "…" : path;
    }

    private static int line(JsonParser parser) {
        JsonLocation at = parser.currentLocation();
        return at == null ? 0 : at.getLineNr();
    }

    private static int column(JsonParser parser) {
        JsonLocation at = parser.currentLocation();
        return at == null ? 0 : at.getColumnNr();
    }
}
