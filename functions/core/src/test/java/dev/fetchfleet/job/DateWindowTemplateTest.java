package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Date windows as template values: half-open [start, end) intervals from a date to a date, "now" or a
 * state value, filled into the URL, headers and body as {@code {day.start}} and {@code {day.end}}.
 */
class DateWindowTemplateTest {

    private final ObjectMapper mapper = Json.newMapper();
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-03T12:00:00Z"), ZoneOffset.UTC);
    private final JobParser parser = new JobParser(mapper, clock);
    private final RequestListExpander expander = new RequestListExpander(mapper, new LocalTextFiles());

    private List<RequestSpec> expand(String template) {
        return expander.expand(parser.parse(("{'source': 'events', 'template': " + template + "}").replace('\'', '"')));
    }

    private JobValidationException rejected(String template) {
        return assertThrows(JobValidationException.class, () -> expand(template));
    }

    @Test
    void ayearOfDailyWindowsIs365RequestsEachItsOwnHalfOpenDay() {
        List<RequestSpec> requests = expand("""
                {'url': 'https://api.example.com/events?from={day.start}&to={day.end}',
                 'values': {'day': {'from': '2025-01-01', 'to': '2026-01-01', 'step': 'P1D'}}}""");

        assertEquals(365, requests.size());
        assertEquals("https://api.example.com/events?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z", requests.getFirst().url().toString());
        assertEquals("https://api.example.com/events?from=2025-12-31T00:00:00Z&to=2026-01-01T00:00:00Z", requests.getLast().url().toString());
        for (int i = 1; i < requests.size(); i++) {
            String previousEnd = requests.get(i - 1).url().getQuery().replaceAll(".*to=", "");
            assertEquals(previousEnd, requests.get(i).url().getQuery().replaceAll("from=([^&]*).*", "$1"), "windows meet, none overlaps");
        }
        assertEquals(365, new HashSet<>(requests.stream().map(RequestSpec::id).toList()).size());
    }

    @Test
    void toNowEndsTheLastWindowAtNow() {
        List<RequestSpec> requests = expand("""
                {'url': 'https://api.example.com/e?s={day.start}&e={day.end}', 'values': {'day': {'from': '2026-01-01', 'to': 'now'}}}""");

        assertEquals(List.of("s=2026-01-01T00:00:00Z&e=2026-01-02T00:00:00Z", "s=2026-01-02T00:00:00Z&e=2026-01-03T00:00:00Z",
                "s=2026-01-03T00:00:00Z&e=2026-01-03T12:00:00Z"), requests.stream().map(r -> r.url().getQuery()).toList());
    }

    @Test
    void aFormatAndADurationStepFillTheBodyAndHeadersOfAPost() {
        List<RequestSpec> requests = expand("""
                {'method': 'POST', 'url': 'https://api.example.com/search', 'headers': {'X-Window': '{h}'},
                 'body': {'range': {'gte': '{h.start}', 'lt': '{h.end}'}, 'tags': ['since {h.start}']},
                 'values': {'h': {'from': '2026-01-01T00:00:00Z', 'to': '2026-01-02T00:00:00Z', 'step': 'PT6H', 'format': 'yyyy/MM/dd HH:mm'}}}""");

        assertEquals(4, requests.size());
        assertEquals("{\"range\":{\"gte\":\"2026/01/01 06:00\",\"lt\":\"2026/01/01 12:00\"},\"tags\":[\"since 2026/01/01 06:00\"]}",
                requests.get(1).body().toString());
        assertEquals("2026/01/01 06:00/2026/01/01 12:00", requests.get(1).headers().get("X-Window"), "{h} is the whole interval");
        assertEquals(4, new HashSet<>(requests.stream().map(RequestSpec::id).toList()).size(), "each body its own id");
    }

    @Test
    void toMayBeAStateValue() {
        var written = Json.newMapper().valueToTree(Map.of("source", "events", "incremental",
                Map.of("itemsPath", "items", "valuePath", "at", "initial", "2026-01-01T00:00:00Z"), "template",
                Map.of("url", "https://api.example.com/e?d={day.start}", "values",
                        Map.of("day", Map.of("from", "2025-12-30", "to", "{{state:since}}")))));
        Job job = parser.parse(StatePlaceholders.substitute((com.fasterxml.jackson.databind.JsonNode) written,
                Map.of("since", "2026-01-01T06:00:00Z")));

        assertEquals(3, expander.expand(job).size(), "Dec 30, Dec 31, and Jan 1 up to 06:00");
    }

    @Test
    void namesEachMistakeInAWindow() {
        JobValidationException e = rejected("""
                {'url': 'https://api.example.com/e?d={day.start}',
                 'values': {'day': {'from': '2026-13-01', 'to': 'yesterday', 'step': '1 day', 'format': 'qqqqqq', 'zone': 'UTC'}}}""");
        for (String fragment : List.of("$.template.values.day.from = \"2026-13-01\"", "$.template.values.day.to = \"yesterday\"",
                "$.template.values.day.step = \"1 day\"", "$.template.values.day.format = \"qqqqqq\"", "$.template.values.day.zone")) {
            assertTrue(e.getMessage().contains(fragment), () -> fragment + " in:\n" + e.getMessage());
        }
        assertTrue(rejected("{'url': 'https://a.example.com/{d.start}', 'values': {'d': {'from': '2026-01-02', 'to': '2026-01-01'}}}")
                .getMessage().contains("$.template.values.d.to = \"2026-01-01\": is not after from"));
        assertTrue(rejected("{'url': 'https://a.example.com/{n.start}', 'values': {'n': [1, 2]}}")
                .getMessage().contains("only a date window"));
        assertTrue(rejected("{'url': 'https://a.example.com/{d.start}', 'values': {'d': {'from': '1900-01-01', 'to': '2026-01-01', 'step': 'PT1M'}}}")
                .getMessage().contains("expands to more than " + JobParser.MAX_TEMPLATE_REQUESTS + " requests"));
    }
}
