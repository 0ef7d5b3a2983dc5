package dev.fetchfleet.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What of a job reaches the manifest: sensitive header values replaced, wherever in the job they are written. */
@Tag("unit")
class SecretsTest {

    private final ObjectMapper mapper = Json.newMapper();

    private JsonNode job(String singleQuoted) throws Exception {
        return mapper.readTree(singleQuoted.replace('\'', '"'));
    }

    @Test
    void redactsTheUsualSensitiveHeadersAtAnyDepth() throws Exception {
        JsonNode job = job("""
                {'source': 'posts',
                 'requests': [{'url': 'https://api.example.com/1',
                               'headers': {'Authorization': 'Bearer raw-token-1', 'Accept': 'application/json'}},
                              {'url': 'https://api.example.com/2', 'headers': {'cookie': 'session=raw-cookie-2'}}],
                 'template': {'url': 'https://api.example.com/{n}', 'headers': {'X-API-KEY': 'raw-key-3'}},
                 'deep': {'list': [{'more': [{'headers': {'Authorization': 'Basic raw-basic-4'}}]}]}}""");

        JsonNode redacted = Secrets.redacted(job, List.of());

        assertEquals("[redacted]", redacted.at("/requests/0/headers/Authorization").asText());
        assertEquals("application/json", redacted.at("/requests/0/headers/Accept").asText());
        assertEquals("[redacted]", redacted.at("/requests/1/headers/cookie").asText());
        assertEquals("[redacted]", redacted.at("/template/headers/X-API-KEY").asText());
        assertEquals("[redacted]", redacted.at("/deep/list/0/more/0/headers/Authorization").asText());
        assertFalse(mapper.writeValueAsString(redacted).contains("raw-"), redacted::toString);
    }

    @Test
    void redactsTheHeadersTheJobListsInAnyCase() throws Exception {
        JsonNode job = job("""
                {'source': 'posts', 'fetch': {'redactHeaders': ['X-Session-Token']},
                 'requests': [{'url': 'https://api.example.com/1',
                               'headers': {'x-session-TOKEN': 'raw-session', 'X-Trace': 't-1'}}]}""");

        JsonNode redacted = Secrets.redacted(job, List.of("X-Session-Token"));

        assertEquals("[redacted]", redacted.at("/requests/0/headers/x-session-TOKEN").asText());
        assertEquals("t-1", redacted.at("/requests/0/headers/X-Trace").asText());
        assertEquals("X-Session-Token", redacted.at("/fetch/redactHeaders/0").asText(), "the list itself is kept");
    }

    @Test
    void keepsASecretReferenceAsWritten() throws Exception {
        JsonNode job = job("""
                {'source': 'posts', 'requests': [{'url': 'https://api.example.com/1',
                 'headers': {'Authorization': 'Bearer {{secretsmanager:api/token}}', 'X-Api-Key': '{{ssm:/api/key}}',
                             'X-Session-Token': '{{ssm:/api/session}}'}}]}""");

        JsonNode redacted = Secrets.redacted(job, List.of("X-Session-Token"));

        assertEquals("Bearer {{secretsmanager:api/token}}", redacted.at("/requests/0/headers/Authorization").asText());
        assertEquals("{{ssm:/api/key}}", redacted.at("/requests/0/headers/X-Api-Key").asText());
        assertEquals("{{ssm:/api/session}}", redacted.at("/requests/0/headers/X-Session-Token").asText());
    }

    @Test
    void redactsALiteralWrittenBesideAReference() {
        assertTrue(Secrets.onlyReferences("Bearer {{secretsmanager:api/token}}"));
        assertTrue(Secrets.onlyReferences("{{ssm:/a}} {{ssm:/b}}"));
        assertFalse(Secrets.onlyReferences("Basic abc123 {{ssm:/api/key}}"));
        assertFalse(Secrets.onlyReferences("Bearer s3cr3t"));
    }

    @Test
    void leavesTheJobItWasGivenUnchanged() throws Exception {
        JsonNode job = job("{'source': 'posts', 'requests': [{'url': 'https://api.example.com/1', 'headers': {'Authorization': 'raw'}}]}");
        JsonNode before = job.deepCopy();

        Secrets.redacted(job, List.of());

        assertEquals(before, job);
    }

    @Test
    void redactsAuthCredentialsWrittenAsValuesAndKeepsTheirReferences() throws Exception {
        JsonNode job = job("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'],
                 'auth': {'type': 'oauth2', 'tokenUrl': 'https://auth.example.com/t', 'clientId': 'raw-id',
                          'clientSecret': 'raw-secret', 'scope': 'read', 'refreshToken': '{{secretsmanager:rt}}'}}""");

        JsonNode redacted = Secrets.redacted(job, List.of());

        assertEquals("[redacted]", redacted.at("/auth/clientSecret").asText());
        assertEquals("[redacted]", redacted.at("/auth/clientId").asText());
        assertEquals("{{secretsmanager:rt}}", redacted.at("/auth/refreshToken").asText());
        assertEquals("read", redacted.at("/auth/scope").asText());
        assertEquals("https://auth.example.com/t", redacted.at("/auth/tokenUrl").asText());
        assertFalse(mapper.writeValueAsString(redacted).contains("raw-"), redacted::toString);
    }
}
