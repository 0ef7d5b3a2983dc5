package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fetchfleet.Json;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A child's id says which request it is: items that ask different things make different ids, so none is
 * taken for another's duplicate (dropped within a part, or claimed away as "shared" across parts).
 */
@Tag("unit")
class ChildIdentityTest {

    private final JobParser parser = new JobParser(Json.newMapper());

    private ChildSpec child(String request) {
        return parser.parse(("{'source': 'accounts', 'requests': ['https://api.example.com/accounts'], 'children': [{'source': 'usage', "
                + "'from': {'itemsPath': 'items', 'bind': {'account': 'id'}}, 'request': " + request + "}]}").replace('\'', '"'))
                .children().getFirst();
    }

    private static String id(ChildSpec child, String account) {
        JsonNode item = Json.newMapper().valueToTree(Map.of("id", account));
        return assertInstanceOf(ChildBinding.Request.class, ChildBinding.bind(child, item)).request().id();
    }

    /** Without the fix both items got one id: the second account's usage was never fetched, and counted nowhere. */
    @Test
    void twoItemsThatDifferOnlyInABoundHeaderAreTwoChildren() {
        ChildSpec usage = child("{'url': 'https://api.example.com/usage', 'headers': {'X-Account': '{account}'}}");

        assertNotEquals(id(usage, "acct-1"), id(usage, "acct-2"));
        assertEquals(id(usage, "acct-1"), id(usage, "acct-1"), "still stable: the same item, the same id");
    }

    @Test
    void aChildWhoseHeadersBindNothingKeepsTheHashOfMethodUrlAndBody() {
        ChildSpec usage = child("{'url': 'https://api.example.com/usage/{account}', 'headers': {'Accept': 'application/json'}}");

        assertEquals(RequestReader.defaultId("GET", java.net.URI.create("https://api.example.com/usage/acct-1"), null), id(usage, "acct-1"),
                "ids of runs already under way stay as they were");
    }
}
