package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Map;

/**
 * One HTTP call of a job, fully expanded: what a worker fetches and what bronze names by {@code id}.
 * {@code paginate} is null for a single call, else how its answer leads to further pages.
 */
public record RequestSpec(String id, String method, URI url, Map<String, String> headers, JsonNode body, Paginate paginate) {

    public RequestSpec(String id, String method, URI url, Map<String, String> headers, JsonNode body) {
        this(id, method, url, headers, body, null);
    }

    /** The same request at another URL: a later page of its chain. */
    public RequestSpec at(URI pageUrl) {
        return new RequestSpec(id, method, pageUrl, headers, body, paginate);
    }

    public RequestSpec {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        // A JSON null is no body: Jackson reads "body": null in a chunk message as NullNode, which would be sent as "null".
        body = body == null || body.isNull() ? null : body;
    }

    public String host() {
        return url.getPort() == -1 ? url.getHost() : url.getHost() + ":" + url.getPort();
    }
}
