package dev.fetchfleet.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** AWS list prices, kept with their date in one file: {@code dev/fetchfleet/plan/prices.json}. */
public record Prices(
        @JsonProperty("as_of") String asOf,
        @JsonProperty("region") String region,
        @JsonProperty("note") String note,
        @JsonProperty("lambda_gb_second") double lambdaGbSecond,
        @JsonProperty("lambda_per_million_requests") double lambdaPerMillionRequests,
        @JsonProperty("sqs_per_million_requests") double sqsPerMillionRequests,
        @JsonProperty("sqs_billed_chunk_bytes") int sqsBilledChunkBytes,
        @JsonProperty("s3_put_per_thousand") double s3PutPerThousand,
        @JsonProperty("s3_get_per_thousand") double s3GetPerThousand,
        @JsonProperty("step_functions_standard_per_thousand_transitions") double stepFunctionsPerThousandTransitions,
        @JsonProperty("ec2_on_demand_per_hour") double ec2PerHour,
        @JsonProperty("ec2_instance") String ec2Instance) {

    public static Prices load(ObjectMapper mapper) {
        try (InputStream in = Prices.class.getResourceAsStream("prices.json")) {
            if (in == null) {
                throw new IllegalStateException("prices.json is missing from the classpath");
            }
            return mapper.readValue(in, Prices.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prices.json", e);
        }
    }
}
