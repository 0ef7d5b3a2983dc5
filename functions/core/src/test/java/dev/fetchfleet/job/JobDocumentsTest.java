package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A job document is untrusted text: every way it can be malformed gets one clean problem with a path. */
@Tag("unit")
class JobDocumentsTest {

    private final JobParser parser = new JobParser(Json.newMapper());

    private JobValidationException refused(String document) {
        JobValidationException e = assertThrows(JobValidationException.class, () -> parser.parse(document));
        assertTrue(e.getMessage().startsWith("invalid job"), e::getMessage);
        assertEquals(0, e.getStackTrace().length, "a refused job is the user's problem, not a stack trace");
        return e;
    }

    private static void assertMentions(JobValidationException e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "expected <" + fragment + "> in:\n" + e.getMessage());
        }
    }

    @Test
    void refusesADuplicateAllowLinkLocalInsteadOfTakingTheLastValue() {
        JobValidationException e = refused("""
                {"source": "posts", "fetch": {"allowLinkLocal": false, "allowLinkLocal": true},
                 "requests": ["http://169.254.169.254/latest/meta-data/"]}""");
        assertEquals(1, e.problems().size(), e::getMessage);
        assertMentions(e, "$.fetch.allowLinkLocal", "given twice");
    }

    @Test
    void refusesADuplicateKeyDeepInARequestBodyWithItsPath() {
        JobValidationException e = refused("""
                {"source": "posts", "requests": [{"url": "https://api.example.com/", "method": "POST",
                  "body": {"q": {"a": 1, "a": 2}}}]}""");
        assertMentions(e, "$.requests[0].body.q.a", "given twice");
    }

    @Test
    void refusesContentAfterTheJobObject() {
        JobValidationException e = refused("""
                {"source": "posts", "requests": ["https://api.example.com/"]} {"source": "other"}""");
        assertMentions(e, "$: has content after the job object", "exactly one JSON object");
    }

    @Test
    void refusesNestingTenThousandDeepWithTheCleanMessage() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        JobValidationException e = refused("{\"source\": \"posts\", \"requests\": [\"https://api.example.com/\"], \"plan\": " + deep + "}");
        assertEquals(1, e.problems().size(), e::getMessage);
        assertMentions(e, "$.plan[0][0]", "nested deeper than " + JobDocuments.MAX_NESTING_DEPTH);
    }

    @Test
    void refusesTextThatIsNotJsonWithItsLineAndColumn() {
        JobValidationException e = refused("source: posts\n");
        assertMentions(e, "$: is not valid JSON (line 1, column");
    }

    @Test
    void refusesAnEmptyDocument() {
        assertMentions(refused(""), "$: is empty; a job is one JSON object");
        assertMentions(refused("  \n "), "$: is empty");
    }

    @Test
    void refusesAValueThatIsNotAnObject() {
        assertMentions(refused("[\"https://api.example.com/\"]"), "a job must be a JSON object");
        assertMentions(refused("42"), "a job must be a JSON object");
    }

    @Test
    void refusesAJobOfFiftyMegabytesWithoutReadingItAll() {
        byte[] huge = ("{\"source\": \"posts\", \"requests\": [" + "\"https://api.example.com/x\",".repeat(50 * 1024 * 1024 / 28)
                + "\"https://api.example.com/y\"]}").getBytes(StandardCharsets.UTF_8);
        assertTrue(huge.length > 50_000_000);
        JobValidationException e = assertThrows(JobValidationException.class, () -> JobDocuments.read(new ByteArrayInputStream(huge)));
        assertMentions(e, "larger than " + JobDocuments.MAX_BYTES + " bytes", "requestsFrom");
        assertMentions(refused(new String(huge, StandardCharsets.UTF_8)), "larger than " + JobDocuments.MAX_BYTES + " bytes");
    }

    @Test
    void refusesAReferenceOfAKindNobodyResolves() {
        JobValidationException e = refused("""
                {"source": "posts", "requests": [{"url": "https://api.example.com/", "headers": {"X-Key": "{{vault:api-key}}"}}]}""");
        assertMentions(e, "$.requests[0].headers.X-Key", "{{vault:…}}", "no known reference");
        assertFalse(e.getMessage().contains("api-key"), e::getMessage);
    }

    @Test
    void refusesASecretReferenceWhereSecretsAreNotResolved() {
        JobValidationException e = refused("""
                {"source": "posts", "requests": [{"url": "https://api.example.com/?key={{ssm:/api/key}}"}]}""");
        assertMentions(e, "$.requests[0].url", "outside a header value");
    }

    @Test
    void acceptsSecretReferencesInHeaderValues() {
        Job job = parser.parse("""
                {"source": "posts", "requests": [{"url": "https://api.example.com/",
                  "headers": {"Authorization": "Bearer {{secretsmanager:api-token}}", "X-Key": "{{ssm:/api/key}}"}}]}""");
        assertEquals("posts", job.source());
    }
}
