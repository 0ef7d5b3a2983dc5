package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.BooleanNode;
import dev.fetchfleet.Json;
import org.junit.jupiter.api.Test;

/** The paginate fields that end chains exactly and place tokens: read as written, and each misuse named. */
class PaginateFieldsParsingTest {

    private final JobParser parser = new JobParser(Json.newMapper());

    private Paginate parse(String paginate) {
        return parser.parse(("{'source': 's', 'requests': ['https://api.example.com/l'], 'paginate': " + paginate + "}")
                .replace('\'', '"')).paginate();
    }

    private void assertRejected(String paginate, String... fragments) {
        JobValidationException e = assertThrows(JobValidationException.class, () -> parse(paginate));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "expected <" + fragment + "> in:\n" + e.getMessage());
        }
    }

    @Test
    void readsAStripeStyleCursorWithAStopRule() {
        Paginate p = parse("{'type': 'cursor', 'path': 'data.-1.id', 'param': 'starting_after', 'stop': {'path': 'has_more', 'equals': false}}");
        assertEquals(new Paginate.Stop("has_more", BooleanNode.FALSE), p.stop());
        assertEquals("data.-1.id", p.path());
    }

    @Test
    void aTotalOrAStopRuleStandsInForStopWhenEmpty() {
        assertEquals("meta.total", parse("{'type': 'offset', 'totalPath': 'meta.total'}").totalPath());
        assertEquals("has_more", parse("{'type': 'page', 'stop': {'path': 'has_more', 'equals': false}}").stop().path());
        assertRejected("{'type': 'page'}", "$.paginate.stopWhenEmpty: is required");
    }

    @Test
    void namesEachMisplacedOrMisspeltField() {
        assertRejected("{'type': 'cursor', 'path': 'n', 'totalPath': 't'}", "$.paginate.totalPath = \"t\"", "page and offset only");
        assertRejected("{'type': 'link', 'into': 'body'}", "$.paginate.into = \"body\"", "types cursor, page and offset");
        assertRejected("{'type': 'cursor', 'path': 'n', 'into': 'cookie'}", "$.paginate.into = \"cookie\"", "[body, header, query]");
        assertRejected("{'type': 'offset', 'from': 'header', 'stopWhenEmpty': 'items'}", "$.paginate.from = \"header\"", "cursor and next_url");
        assertRejected("{'type': 'cursor', 'path': 'n', 'stop': {'path': 'has_more'}}", "$.paginate.stop.equals", "is required");
        assertRejected("{'type': 'cursor', 'path': 'data..id'}", "$.paginate.path = \"data..id\"", "not a dot path");
        assertRejected("{'type': 'cursor', 'path': 'n', 'into': 'body', 'param': 'a..b'}", "$.paginate.param = \"a..b\"", "dot path");
    }

    @Test
    void negativeIndexesCountFromAListsEnd() throws Exception {
        var body = Json.newMapper().readTree("{\"data\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}]}");
        assertEquals("c", DotPath.at(body, "data.-1.id").asText());
        assertEquals("a", DotPath.at(body, "data.-3.id").asText());
        assertEquals(null, DotPath.at(body, "data.-4.id"));
        assertEquals("b", DotPath.at(body, "data.1.id").asText());
    }
}
