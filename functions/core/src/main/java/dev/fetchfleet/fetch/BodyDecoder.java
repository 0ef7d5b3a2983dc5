package dev.fetchfleet.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/** Decides how a response body is kept in bronze: JSON as JSON, text as text, anything else base64. */
final class BodyDecoder {

    record Decoded(JsonNode body, String encoding) {}

    private final ObjectMapper mapper;

    BodyDecoder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The body as the server meant it, inflated when its Content-Encoding says gzip or deflate, read only
     * up to {@code maxBytes}: a few megabytes of gzip can inflate to gigabytes (a "gzip bomb"), so the
     * inflated size counts against the same cap as the bytes on the wire.
     */
    static LimitedBody uncompress(byte[] bytes, String contentEncoding, long maxBytes) throws IOException {
        if (contentEncoding == null || bytes.length == 0) {
            return new LimitedBody(bytes, false);
        }
        String encoding = contentEncoding.strip().toLowerCase(Locale.ROOT);
        InputStream in = switch (encoding) {
            case "gzip", "x-gzip" -> new GZIPInputStream(new ByteArrayInputStream(bytes));
            case "deflate" -> new InflaterInputStream(new ByteArrayInputStream(bytes));
            default -> null;
        };
        if (in == null) {
            return new LimitedBody(bytes, false);
        }
        // One byte past the cap tells a body of exactly maxBytes from a longer one.
        int limit = (int) Math.min(Integer.MAX_VALUE - 16L, maxBytes);
        try (in) {
            byte[] inflated = in.readNBytes(limit + 1);
            return inflated.length > limit
                    ? new LimitedBody(java.util.Arrays.copyOf(inflated, limit), true)
                    : new LimitedBody(inflated, false);
        }
    }

    Decoded decode(byte[] bytes, String contentType) {
        if (bytes.length == 0) {
            return new Decoded(null, null);
        }
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        boolean saysJson = type.contains("json");
        boolean saysText = type.startsWith("text/") || type.contains("xml") || type.contains("javascript")
                || type.contains("x-www-form-urlencoded");
        boolean saysBinary = !type.isEmpty() && !saysJson && !saysText;
        if (saysBinary) {
            return base64(bytes);
        }
        String text = utf8(bytes);
        if (text == null) {
            return base64(bytes);
        }
        if (saysJson || (!saysText && looksLikeJson(text))) {
            try {
                return new Decoded(mapper.readTree(text), "json");
            } catch (IOException notJson) {
                // A server that labels non-JSON as JSON: keep what it sent, as text.
            }
        }
        return new Decoded(TextNode.valueOf(text), "text");
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean looksLikeJson(String text) {
        String t = text.strip();
        return t.startsWith("{") || t.startsWith("[");
    }

    private static Decoded base64(byte[] bytes) {
        return new Decoded(TextNode.valueOf(Base64.getEncoder().encodeToString(bytes)), "base64");
    }

    private static String utf8(byte[] bytes) {
        if (isAscii(bytes)) {
            // Valid UTF-8 as it is, and made into a string with no decoder buffer twice its size.
            return new String(bytes, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
