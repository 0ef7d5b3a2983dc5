package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import java.io.StringReader;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Link-local and instance-metadata URLs are refused at validation, wherever the request list comes from,
 * unless the job sets {@code fetch.allowLinkLocal}.
 *
 * <p>This class only parses and expands jobs: it never builds an HttpClient or a Fetcher, so even if the
 * validator wrongly let one of these URLs through, no request could go out to a metadata service from here.
 * Keep it that way.
 */
@Tag("unit")
class LinkLocalRefusalTest {

    private final ObjectMapper mapper = Json.newMapper();
    private final JobParser parser = new JobParser(mapper);

    /** The addresses of the cloud metadata services, link-local ranges, and the names those services answer to. */
    @ParameterizedTest
    @ValueSource(strings = {
            "http://169.254.169.254/latest/meta-data/",
            "http://[fe80::1]/",
            "http://metadata.google.internal/",
            "http://[fd00:ec2::254]/",
            "http://[::ffff:169.254.169.254]/",
            "http://100.100.100.200/"})
    void refusesAnInlineRequestToAMetadataOrLinkLocalAddress(String url) {
        JobValidationException e = refused("{'source': 'posts', 'requests': [{'url': '" + url + "'}]}");

        assertEquals(1, e.problems().size(), e::getMessage);
        Problem problem = e.problems().getFirst();
        assertEquals("$.requests[0].url", problem.path());
        assertEquals('"' + url + '"', problem.value());
        assertMentions(e, "$.requests[0].url", url, "link-local or instance-metadata", "fetch.allowLinkLocal", "true");
    }

    @Test
    void namesThePathOfABareUrlAmongOrdinaryOnes() {
        JobValidationException e = refused("""
                {'source': 'posts', 'requests': ['https://api.example.com/1', 'http://169.254.169.254/latest/meta-data/iam/']}""");

        assertEquals(1, e.problems().size(), e::getMessage);
        assertEquals("$.requests[1]", e.problems().getFirst().path());
        assertMentions(e, "http://169.254.169.254/latest/meta-data/iam/", "fetch.allowLinkLocal");
    }

    /** The same addresses written the other ways a resolver reads them: each would still reach the service. */
    @ParameterizedTest
    @ValueSource(strings = {
            "http://169.254.169.254:80/latest/meta-data/",
            "http://2852039166/latest/meta-data/",           // 169.254.169.254 as one 32-bit number
            "http://[::ffff:a9fe:a9fe]/latest/meta-data/",   // IPv4-mapped, in hex
            "http://[0:0:0:0:0:ffff:169.254.169.254]/",
            "http://[fd00:ec2:0:0:0:0:0:254]/",
            "http://[fd00:0ec2::0254]/",
            "http://[FE80::1]/",
            "http://[febf::1]/",
            "http://METADATA.GOOGLE.INTERNAL/computeMetadata/v1/",
            "http://169.254.0.1/"})
    void refusesTheSameAddressesWrittenAnotherWay(String url) {
        JobValidationException e = refused("{'source': 'posts', 'requests': ['" + url + "']}");

        assertMentions(e, "$.requests[0]", url, "fetch.allowLinkLocal");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://169.255.0.1/",
            "http://169.253.255.255/",
            "http://10.0.0.1/",
            "http://100.100.100.201/",
            "https://api.example.com/posts/1",
            "https://metadata.example.com/",
            "http://16909060/",       // 1.2.3.4 as one number
            "http://[fec0::1]/",      // site-local, not link-local
            "http://[::1]:8080/",
            "http://[2001:db8::254]/"})
    void acceptsOrdinaryHosts(String url) {
        Job job = parser.parse(job("{'source': 'posts', 'requests': ['" + url + "']}"));

        List<RequestSpec> requests = assertInstanceOfInline(job);
        assertEquals(URI.create(url), requests.getFirst().url());
    }

    @Test
    void refusesATemplateThatExpandsToAMetadataAddress() {
        JobValidationException e = assertThrows(JobValidationException.class, () -> expand("""
                {'source': 'posts', 'template': {'url': 'http://{host}/latest/meta-data/{path}',
                 'values': {'host': ['api.example.com', '169.254.169.254'], 'path': ['a']}}}""", Map.of()));

        assertEquals(1, e.problems().size(), e::getMessage);
        assertMentions(e, "$.template.url", "http://169.254.169.254/latest/meta-data/a", "fetch.allowLinkLocal");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://[fe80::1]/{n}", "http://metadata.google.internal/{n}", "http://[fd00:ec2::254]/{n}",
            "http://[::ffff:169.254.169.254]/{n}", "http://100.100.100.200/{n}"})
    void refusesATemplateWhoseUrlIsALinkLocalAddress(String template) {
        JobValidationException e = assertThrows(JobValidationException.class, () ->
                expand("{'source': 'posts', 'template': {'url': '" + template + "', 'values': {'n': [1, 2]}}}", Map.of()));

        assertEquals(2, e.problems().size(), "one problem per expanded request: " + e.getMessage());
        assertMentions(e, "$.template.url", template.replace("{n}", "1"), template.replace("{n}", "2"), "fetch.allowLinkLocal");
    }

    @Test
    void refusesMetadataAddressesInARequestsFromFileByLine() {
        String lines = """
                https://api.example.com/1
                http://169.254.169.254/latest/meta-data/
                {"url": "http://[fe80::1]/"}
                "http://metadata.google.internal/"
                {"url": "http://[fd00:ec2::254]/"}
                http://[::ffff:169.254.169.254]/
                http://100.100.100.200/
                """;

        JobValidationException e = assertThrows(JobValidationException.class, () ->
                expand("{'source': 'posts', 'requestsFrom': 'requests.jsonl'}", Map.of("requests.jsonl", lines)));

        assertEquals(6, e.problems().size(), e::getMessage);
        // By line number only: a requestsFrom file's text is never echoed.
        assertMentions(e,
                "$.requestsFrom[requests.jsonl line 2]: points at a link-local",
                "$.requestsFrom[requests.jsonl line 3].url: points at a link-local",
                "$.requestsFrom[requests.jsonl line 4]: points at a link-local",
                "$.requestsFrom[requests.jsonl line 5].url: points at a link-local",
                "$.requestsFrom[requests.jsonl line 6]: points at a link-local",
                "$.requestsFrom[requests.jsonl line 7]: points at a link-local",
                "fetch.allowLinkLocal");
        assertTrue(e.problems().stream().noneMatch(p -> p.path().contains("line 1")), e::getMessage);
    }

    @Test
    void acceptsEveryOneOfThemWhenTheJobAllowsLinkLocal() {
        String urls = "'http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]/', 'http://metadata.google.internal/', "
                + "'http://[fd00:ec2::254]/', 'http://[::ffff:169.254.169.254]/', 'http://100.100.100.200/'";
        Job inline = parser.parse(job("{'source': 'posts', 'fetch': {'allowLinkLocal': true}, 'requests': [" + urls + "]}"));
        assertTrue(inline.fetch().allowLinkLocal());
        assertEquals(6, assertInstanceOfInline(inline).size());

        List<RequestSpec> templated = expand("""
                {'source': 'posts', 'fetch': {'allowLinkLocal': true},
                 'template': {'url': 'http://{host}/', 'values': {'host': ['169.254.169.254', '[fe80::1]', 'metadata.google.internal']}}}""",
                Map.of());
        assertEquals(3, templated.size());

        List<RequestSpec> fromFile = expand("{'source': 'posts', 'fetch': {'allowLinkLocal': true}, 'requestsFrom': 'r.jsonl'}",
                Map.of("r.jsonl", "http://169.254.169.254/latest/meta-data/\n{\"url\": \"http://[fd00:ec2::254]/\"}\n"));
        assertEquals(2, fromFile.size());
    }

    @Test
    void refusesThemWhenTheJobSaysAllowLinkLocalFalse() {
        JobValidationException e = refused("""
                {'source': 'posts', 'fetch': {'allowLinkLocal': false}, 'requests': ['http://169.254.169.254/']}""");
        assertMentions(e, "$.requests[0]", "fetch.allowLinkLocal");
    }

    @Test
    void rejectsAnAllowLinkLocalThatIsNotABoolean() {
        JobValidationException e = refused("""
                {'source': 'posts', 'fetch': {'allowLinkLocal': 'yes'}, 'requests': ['https://api.example.com/']}""");
        assertMentions(e, "$.fetch.allowLinkLocal", "true or false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "metadata.google.internal", "[fd00:ec2::254]", "2852039166", "100.100.100.200"})
    void refusesPaginateAllowHostsThatWouldReopenAMetadataAddress(String host) {
        JobValidationException job = refused("{'source': 'posts', 'paginate': {'type': 'next_url', 'path': 'next', 'allowHosts': ['api.example.com', '"
                + host + "']}, 'requests': ['https://api.example.com/']}");
        assertEquals(1, job.problems().size(), job::getMessage);
        assertMentions(job, "$.paginate.allowHosts[1]", host, "only fetch.allowLinkLocal can");

        JobValidationException request = refused("{'source': 'posts', 'requests': [{'url': 'https://api.example.com/', "
                + "'paginate': {'type': 'link', 'allowHosts': ['" + host + "']}}]}");
        assertMentions(request, "$.requests[0].paginate.allowHosts[0]", "only fetch.allowLinkLocal can");
    }

    @Test
    void letsAllowHostsNameAMetadataAddressOnlyWithAllowLinkLocal() {
        Job job = parser.parse(job("{'source': 'posts', 'fetch': {'allowLinkLocal': true}, "
                + "'paginate': {'type': 'link', 'allowHosts': ['169.254.169.254']}, 'requests': ['https://api.example.com/']}"));
        assertEquals(List.of("169.254.169.254"), job.paginate().allowHosts());
    }

    @Test
    void refusesAllowHostsEntriesThatAreNotHostNames() {
        JobValidationException e = refused("{'source': 'posts', 'paginate': {'type': 'link', "
                + "'allowHosts': ['https://api.example.com/', 7, 'api.example.com']}, 'requests': ['https://api.example.com/']}");
        assertEquals(2, e.problems().size(), e::getMessage);
        assertMentions(e, "$.paginate.allowHosts[0]", "$.paginate.allowHosts[1]", "must be a host name");
    }

    // --- helpers -----------------------------------------------------------------------------------

    /** Jobs are written with single quotes here for readability. */
    private static String job(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    private JobValidationException refused(String singleQuoted) {
        return assertThrows(JobValidationException.class, () -> parser.parse(job(singleQuoted)));
    }

    /** Parses and expands, reading {@code requestsFrom} from {@code files} (by name) rather than from disk or S3. */
    private List<RequestSpec> expand(String singleQuoted, Map<String, String> files) {
        TextFiles inMemory = location -> {
            String text = files.get(location);
            if (text == null) {
                throw new java.io.FileNotFoundException(location);
            }
            return new StringReader(text);
        };
        return new RequestListExpander(mapper, inMemory).expand(parser.parse(job(singleQuoted)));
    }

    private static List<RequestSpec> assertInstanceOfInline(Job job) {
        return org.junit.jupiter.api.Assertions.assertInstanceOf(RequestSource.Inline.class, job.requests()).requests();
    }

    private static void assertMentions(JobValidationException e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment),
                    () -> "expected the message to mention <" + fragment + "> but it was:\n" + e.getMessage());
        }
    }
}
