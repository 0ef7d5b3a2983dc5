package dev.fetchfleet.dispatcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fetchfleet.job.JobDocuments;
import dev.fetchfleet.job.JobParser;
import java.io.UncheckedIOException;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Warms the dispatcher's own code path before SnapStart takes its snapshot: a sample job read strictly,
 * parsed and validated, and a response written, all in memory. Nothing is sent and no AWS API is called
 * (an AWS call in the snapshot phase would need its permissions and could leave traces); the SDK
 * clients are built at init already. {@code FETCHFLEET_PRIME_AT_INIT=true} primes during init instead,
 * for a function without SnapStart or to measure it under the runtime interface client.
 */
final class DispatcherPriming implements Resource {

    static final String PRIME_AT_INIT = "FETCHFLEET_PRIME_AT_INIT";
    private static final String SAMPLE_JOB = """
            {"source": "priming", "chunkSize": 2,
             "template": {"url": "https://api.example.com/items/{n}", "values": {"n": {"from": 1, "to": 4}}},
             "fetch": {"perHost": {"maxConcurrency": 4, "requestsPerSecond": 10}, "retry": {"maxAttempts": 2}}}
            """;

    /** CRaC holds resources weakly: this reference keeps the registered one alive for the snapshot. */
    private static DispatcherPriming registered;

    private final ObjectMapper mapper;

    private DispatcherPriming(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Called from the handler's Lambda constructor, once per JVM. */
    static synchronized void install(ObjectMapper mapper) {
        if (registered == null) {
            registered = new DispatcherPriming(mapper);
            Core.getGlobalContext().register(registered);
            if ("true".equalsIgnoreCase(System.getenv(PRIME_AT_INIT))) {
                registered.prime();
            }
        }
    }

    void prime() {
        new JobParser(mapper).parse(JobDocuments.read(SAMPLE_JOB));
        ObjectNode response = mapper.createObjectNode().put("runId", "priming").put("requests", 4);
        response.putArray("warnings").add("none");
        try {
            mapper.writeValueAsBytes(response);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing cached here outlives a restore: run ids, clocks and credentials are read per invocation.
    }
}
