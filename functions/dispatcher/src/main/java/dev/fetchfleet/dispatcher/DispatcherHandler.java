package dev.fetchfleet.dispatcher;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fetchfleet.Json;
import dev.fetchfleet.aws.FleetEnvironment;
import dev.fetchfleet.aws.S3TextFiles;
import dev.fetchfleet.dispatch.DispatchResult;
import dev.fetchfleet.dispatch.Dispatcher;
import dev.fetchfleet.job.JobDocuments;
import dev.fetchfleet.job.JobValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

/**
 * The dispatcher Lambda. Its event is a job: as written (console, CLI, a schedule's constant input),
 * or inside an EventBridge event's {@code detail}. Answers with the run it started.
 */
public final class DispatcherHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DispatcherHandler.class);

    private final Dispatcher dispatcher;
    private final ObjectMapper mapper = Json.newMapper();

    /** Lambda's constructor: configuration from the environment (BRONZE_ROOT, CHUNK_QUEUE_URL; see {@link FleetEnvironment}). */
    public DispatcherHandler() {
        this(FleetEnvironment.system().dispatcher());
        DispatcherPriming.install(mapper);
    }

    public DispatcherHandler(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** How the deployed dispatcher reads {@code requestsFrom}: S3 only (see {@link FleetEnvironment#requestsFromFiles}). */
    public static S3TextFiles requestsFromFiles(S3Client s3) {
        return FleetEnvironment.requestsFromFiles(s3);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        PowertoolsLogging.initializeLogging(context);
        DispatchResult result;
        try {
            // Read strictly here too: an envelope with a duplicate "detail" must not pick one silently.
            result = dispatcher.dispatch(jobOf(JobDocuments.read(input)));
        } catch (JobValidationException e) {
            // The exception is the error result: Lambda answers with its type and message (no stack trace).
            LOG.error("job rejected, nothing sent: {}", e.getMessage());
            throw e;
        }
        result.warnings().forEach(note -> LOG.warn("fleet caps: {}", note));
        LOG.info("run dispatched", entry("run_id", result.run().runId()), entry("source", result.run().source()),
                entry("requests", result.requests()), entry("chunks", result.chunks()), entry("chunks_sent", result.chunksSent()),
                entry("chunks_already_done", result.chunksAlreadyDone()), entry("bronze", result.runLocation()));
        mapper.writeValue(output, response(result));
    }

    /** EventBridge wraps what it delivers in an envelope unless the target gives a constant input. */
    static JsonNode jobOf(JsonNode event) {
        if (event != null && event.has("detail-type") && event.has("detail") && event.get("detail").isObject()) {
            return event.get("detail");
        }
        return event;
    }

    private ObjectNode response(DispatchResult result) {
        ObjectNode node = mapper.createObjectNode();
        node.put("runId", result.run().runId());
        node.put("source", result.run().source());
        node.put("ingestDate", result.run().ingestDate());
        node.put("requests", result.requests());
        node.put("chunks", result.chunks());
        node.put("lanes", result.lanes());
        node.put("chunksSent", result.chunksSent());
        node.put("chunksAlreadyDone", result.chunksAlreadyDone());
        node.put("bronze", result.runLocation());
        result.warnings().forEach(node.putArray("warnings")::add);
        return node;
    }
}
