package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Credentials belong in headers, not in a URL's user info (which ends up in every record's url and the
 * manifest); and no header value may hold CR, LF or NUL, which would split one header into two.
 */
@Tag("unit")
class CredentialsInUrlsAndHeadersTest {

    private final ObjectMapper mapper = Json.newMapper();
    private final JobParser parser = new JobParser(mapper);

    private JobValidationException refused(String singleQuoted, String requestsFromText) {
        return assertThrows(JobValidationException.class, () -> {
            Job job = parser.parse(singleQuoted.replace('\'', '"'));
            new RequestListExpander(mapper, location -> new StringReader(requestsFromText)).expand(job);
        });
    }

    private static void assertSaysWithoutSecret(JobValidationException e, String path, String message) {
        assertTrue(e.getMessage().contains(path), () -> "expected " + path + " in:\n" + e.getMessage());
        assertTrue(e.getMessage().contains(message), () -> "expected " + message + " in:\n" + e.getMessage());
        assertFalse(e.getMessage().contains("secretpw"), () -> "the password leaked:\n" + e.getMessage());
    }

    @Test
    void refusesUserInfoInAnInlineRequestShowingTheUrlWithoutIt() {
        JobValidationException e = refused("{'source': 'posts', 'requests': [{'url': 'http://user:secretpw@api.example.com/x'}]}", "");
        assertEquals(1, e.problems().size(), e::getMessage);
        assertSaysWithoutSecret(e, "$.requests[0].url = \"http://***@api.example.com/x\"", "credentials belong in a header");
    }

    @Test
    void refusesUserInfoInABareUrlAndInATemplate() {
        assertSaysWithoutSecret(refused("{'source': 'posts', 'requests': ['https://user:secretpw@api.example.com/']}", ""),
                "$.requests[0] = \"https://***@api.example.com/\"", "user name or password");
        assertSaysWithoutSecret(refused("""
                {'source': 'posts', 'template': {'url': 'https://user:secretpw@api.example.com/{id}', 'values': {'id': [1, 2]}}}""", ""),
                "$.template.url = \"https://***@api.example.com/{id}\"", "user name or password");
    }

    @Test
    void refusesUserInfoInARequestsFromLine() {
        JobValidationException e = refused("{'source': 'posts', 'requestsFrom': 'r.jsonl'}",
                "https://api.example.com/1\nhttp://user:secretpw@api.example.com/2\n{\"url\": \"http://u:secretpw@api.example.com/3\"}\n");
        assertSaysWithoutSecret(e, "$.requestsFrom[r.jsonl line 2]: ", "user name or password");
        assertSaysWithoutSecret(e, "$.requestsFrom[r.jsonl line 3].url: ", "user name or password");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\\r\\nX-Injected: 1", "a\\nb", "a\\u0000b", "\\r"})
    void refusesCrLfAndNulInAHeaderValueWithItsPath(String value) {
        JobValidationException e = refused("{'source': 'posts', 'requests': [{'url': 'https://api.example.com/', 'headers': {'X-Token': '"
                + value + "'}}]}", "");
        assertEquals(1, e.problems().size(), e::getMessage);
        assertTrue(e.getMessage().contains("$.requests[0].headers.X-Token: holds a carriage return, line feed or NUL"), e::getMessage);
    }

    @Test
    void refusesCrLfInTemplateHeadersAndRequestsFromLines() {
        JobValidationException literal = refused("""
                {'source': 'posts', 'template': {'url': 'https://api.example.com/{id}', 'headers': {'X-A': 'a\\nb'},
                 'values': {'id': [1]}}}""", "");
        assertTrue(literal.getMessage().contains("$.template.headers.X-A: holds a carriage return"), literal::getMessage);

        JobValidationException filled = refused("""
                {'source': 'posts', 'template': {'url': 'https://api.example.com/{id}', 'headers': {'X-Tag': '{tag}'},
                 'values': {'id': [1], 'tag': ['b\\r\\nX-Injected: yes']}}}""", "");
        assertEquals(1, filled.problems().size(), filled::getMessage);
        assertTrue(filled.getMessage().contains("$.template.headers.X-Tag ({id=1, tag=b\\r\\nX-Injected: yes}): holds a carriage return"),
                filled::getMessage);
        assertTrue(filled.getMessage().contains("once filled"), filled::getMessage);
        assertEquals(2, filled.getMessage().lines().count(), "one line per problem, whatever the values hold");

        JobValidationException line = refused("{'source': 'posts', 'requestsFrom': 'r.jsonl'}",
                "{\"url\": \"https://api.example.com/\", \"headers\": {\"X-A\": \"a\\r\\nb\"}}\n");
        assertTrue(line.getMessage().contains("$.requestsFrom[r.jsonl line 1].headers: holds a carriage return"), line::getMessage);
    }

    @Test
    void acceptsHeaderValuesWithTabsAndUnicode() {
        Job job = parser.parse("""
                {"source": "posts", "requests": [{"url": "https://api.example.com/", "headers": {"X-A": "a\\tb ü"}}]}""");
        assertEquals(List.of("a\tb ü"), List.copyOf(((RequestSource.Inline) job.requests()).requests().getFirst().headers().values()));
    }
}
