package dev.fetchfleet.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Map;

/**
 * One HTTP call of a job, fully expanded: what a worker fetches and what bronze names by {@code id}.
 * {@code paginate} is null for a single call, else how its answer leads to further pages.
 *
 * <p>A request changes only through its {@code with…} methods, each of which keeps every other field:
 * rebuilding one field by field from outside is how a resolved secret once dropped its {@code paginate}.
 */
public record RequestSpec(String id, String method, URI url, Map<String, String> headers, JsonNode body, Paginate paginate) {

    /** A new request that does not paginate (tests and benchmarks); to change a request, use {@code with…}. */
    public RequestSpec(String id, String method, URI url, Map<String, String> headers, JsonNode body) {
        this(id, method, url, headers, body, null);
    }

    /** The same request at another URL: a later page of its chain. */
    public RequestSpec at(URI pageUrl) {
        return withUrl(pageUrl);
    }

    public RequestSpec withId(String newId) {
        return new RequestSpec(newId, method, url, headers, body, paginate);
    }

    public RequestSpec withMethod(String newMethod) {
        return new RequestSpec(id, newMethod, url, headers, body, paginate);
    }

    public RequestSpec withUrl(URI newUrl) {
        return new RequestSpec(id, method, newUrl, headers, body, paginate);
    }

    public RequestSpec withHeaders(Map<String, String> newHeaders) {
        return new RequestSpec(id, method, url, newHeaders, body, paginate);
    }

    public RequestSpec withBody(JsonNode newBody) {
        return new RequestSpec(id, method, url, headers, newBody, paginate);
    }

    public RequestSpec withPaginate(Paginate newPaginate) {
        return new RequestSpec(id, method, url, headers, body, newPaginate);
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
