package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("unit")
class ChildrenParsingTest {

    private final JobParser parser = new JobParser(Json.newMapper());

    private static String job(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    private JobValidationException rejected(String singleQuoted) {
        return assertThrows(JobValidationException.class, () -> parser.parse(job(singleQuoted)));
    }

    private static void assertMentions(JobValidationException e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "expected <" + fragment + "> in:\n" + e.getMessage());
        }
    }

    private static final String LIST = "'source': 'issues', 'requests': ['https://api.example.com/issues'], "
            + "'chunkSize': 7, 'paginate': {'type': 'cursor', 'path': 'meta.next', 'param': 'cursor'}";

    @Test
    void readsThreeLevelsAndSeveralChildrenWithTheParentsDefaults() {
        Job parsed = parser.parse(job("{" + LIST + ", 'children': ["
                + "{'source': 'issue_detail', 'from': {'itemsPath': 'items', 'bind': {'number': 'number'}},"
                + " 'request': {'url': 'https://api.example.com/issues/{number}'}, 'paginate': null},"
                + "{'source': 'issue_comments', 'from': {'itemsPath': 'items', 'bind': {'number': 'number', 'repo': 'repo.name'}},"
                + " 'request': {'method': 'post', 'url': 'https://api.example.com/repos/{repo}/issues/{number}/comments',"
                + "   'headers': {'X-Issue': '{number}'}, 'body': {'n': '{number}'}}, 'chunkSize': 3,"
                + " 'children': [{'source': 'comment_reactions', 'from': {'itemsPath': 'data', 'bind': {'id': 'id'}},"
                + "   'request': {'url': 'https://api.example.com/comments/{id}/reactions'},"
                + "   'children': [{'source': 'reaction_users', 'from': {'itemsPath': 'users', 'bind': {'u': 'login'}},"
                + "     'request': {'url': 'https://api.example.com/users/{u}'}}]}]}]}"));
        assertEquals(List.of("issues", "issue_detail", "issue_comments", "comment_reactions", "reaction_users"), parsed.sources());
        ChildSpec detail = parsed.children().get(0);
        assertEquals(7, detail.chunkSize());
        assertNull(detail.paginate(), "\"paginate\": null: this level does not paginate, though its parent does");
        ChildSpec comments = parsed.children().get(1);
        assertEquals("POST", comments.method());
        assertEquals(3, comments.chunkSize());
        assertEquals("cursor", comments.paginate().type(), "a child without its own paginate takes the parent's");
        assertEquals(Map.of("number", "number", "repo", "repo.name"), comments.bind());
        assertEquals(3, comments.depth());
        assertEquals(3, comments.children().getFirst().chunkSize(), "chunkSize defaults to the nearest parent's");
        assertEquals(parsed.fetch(), comments.children().getFirst().fetch());
    }

    @Test
    void namesAPlaceholderThatBindDoesNotDefine() {
        JobValidationException e = rejected("{" + LIST + ", 'children': [{'source': 'c', 'from': {'itemsPath': 'items', "
                + "'bind': {'number': 'number'}}, 'request': {'url': 'https://api.example.com/repos/{repo}/{number}', "
                + "'headers': {'X-Org': '{org}'}}}]}");
        assertMentions(e, "$.children[0].request.url", "{repo}", "$.children[0].from.bind does not define",
                "$.children[0].request.headers.X-Org", "{org}");
        assertEquals(2, e.problems().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://{host}/items/{id}", "https://api.example.com:{port}/items", "{scheme}://api.example.com/items",
            "https://{user}@api.example.com/items", "https://api.{tenant}.example.com/items"})
    void refusesABoundValueInTheSchemeOrHostSinceAnAnswerWouldChooseWhereCredentialsGo(String url) {
        JobValidationException e = rejected("{" + LIST + ", 'children': [{'source': 'c', 'from': {'itemsPath': 'items', "
                + "'bind': {'host': 'h', 'id': 'id', 'port': 'p', 'scheme': 's', 'user': 'u', 'tenant': 't'}}, 'request': {'url': '" + url + "'}}]}");
        // (user info is shown masked, as every URL holding some is)
        assertMentions(e, "$.children[0].request.url = \"" + (url.contains("@") ? "https://***@api.example.com/items" : url) + "\"",
                "takes its scheme and host from the job");
    }

    @Test
    void acceptsBoundValuesInThePathAndQuery() {
        Job parsed = parser.parse(job("{" + LIST + ", 'children': [{'source': 'c', 'from': {'itemsPath': 'items', "
                + "'bind': {'id': 'id', 'q': 'q'}}, 'request': {'url': 'https://api.example.com/items/{id}?q={q}#{q}'}}]}"));
        assertEquals("https://api.example.com/items/{id}?q={q}#{q}", parsed.children().getFirst().url());
    }

    @Test
    void refusesAChildSourceThatAnotherLevelAlreadyWrites() {
        JobValidationException e = rejected("{" + LIST + ", 'children': [{'source': 'issues', 'from': {'itemsPath': 'items', "
                + "'bind': {}}, 'request': {'url': 'https://api.example.com/x'}},"
                + "{'source': 'c', 'from': {'itemsPath': 'items', 'bind': {}}, 'request': {'url': 'https://api.example.com/y'},"
                + " 'children': [{'source': 'c', 'from': {'itemsPath': 'items', 'bind': {}}, 'request': {'url': 'https://api.example.com/z'}}]}]}");
        assertMentions(e, "$.children[0].source = \"issues\"", "$.children[1].children[0].source = \"c\"", "already the source");
        assertEquals(2, e.problems().size());
    }

    @Test
    void refusesABadSourceMissingBlocksAndUnknownFields() {
        JobValidationException e = rejected("{" + LIST + ", 'children': [{'source': 'Bad Name', 'request': {'url': 'ftp://x/{a}', 'verb': 1},"
                + " 'from': {'itemsPath': 'items..x', 'bind': {'a': 5, '1b': 'x'}}, 'chunksize': 3}, 'nope']}");
        assertMentions(e, "$.children[0].source = \"Bad Name\"", "$.children[0].chunksize", "unknown field",
                "$.children[0].request.verb", "$.children[0].request.url", "scheme must be http or https",
                "$.children[0].from.itemsPath = \"items..x\"", "$.children[0].from.bind.a = 5", "$.children[0].from.bind.1b",
                "$.children[1] = \"nope\"");
        JobValidationException missing = rejected("{" + LIST + ", 'children': [{'source': 'c'}]}");
        assertMentions(missing, "$.children[0].from: is required", "$.children[0].request: is required");
        assertMentions(rejected("{" + LIST + ", 'children': {}}"), "$.children = {}", "must be a list");
    }

    @Test
    void bindsItemValuesIntoUrlHeadersAndBodyWithAStableId() {
        Job parsed = parser.parse(job("{" + LIST + ", 'children': [{'source': 'c', 'from': {'itemsPath': 'items', "
                + "'bind': {'repo': 'repo.name', 'n': 'number'}}, 'request': {'method': 'POST', "
                + "'url': 'https://api.example.com/repos/{repo}/issues/{n}', 'headers': {'X-Repo': '{repo}'}, "
                + "'body': {'n': '{n}', 'label': 'issue {n}'}}}]}"));
        ChildSpec child = parsed.children().getFirst();
        JsonNode item = Json.newMapper().valueToTree(Map.of("number", 42, "repo", Map.of("name", "a b/c")));
        ChildBinding.Request bound = assertInstanceOf(ChildBinding.Request.class, ChildBinding.bind(child, item));
        assertEquals("https://api.example.com/repos/a%20b%2Fc/issues/42", bound.request().url().toString());
        assertEquals("a b/c", bound.request().headers().get("X-Repo"));
        assertEquals(42, bound.request().body().get("n").intValue(), "a lone placeholder keeps the item's number");
        assertEquals("issue 42", bound.request().body().get("label").asText());
        assertEquals(Map.of("repo", "a b/c", "n", "42"), bound.values());
        assertEquals(bound.request().id(), ((ChildBinding.Request) ChildBinding.bind(child, item)).request().id());
        assertEquals(RequestReader.defaultId("POST", bound.request().url(), bound.request().body(), Map.of("x-repo", "a b/c")),
                bound.request().id(), "the header filled from the item is part of the id");

        JsonNode noRepo = Json.newMapper().valueToTree(Map.of("number", 42));
        assertTrue(assertInstanceOf(ChildBinding.Unbound.class, ChildBinding.bind(child, noRepo)).error().contains("repo.name"));
        JsonNode listRepo = Json.newMapper().valueToTree(Map.of("number", 42, "repo", Map.of("name", List.of(1))));
        assertTrue(assertInstanceOf(ChildBinding.Unbound.class, ChildBinding.bind(child, listRepo)).error().contains("array"));
    }

    @Test
    void aJobWithoutChildrenHasNone() {
        Job parsed = parser.parse(job("{" + LIST + "}"));
        assertTrue(parsed.children().isEmpty());
        assertNull(parsed.raw().get("children"));
    }
}
