package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("unit")
class JobParserTest {

    private final JobParser parser = new JobParser(Json.newMapper());

    /** Jobs are written with single quotes here for readability. */
    private static String job(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    private JobValidationException rejected(String singleQuoted) {
        return assertThrows(JobValidationException.class, () -> parser.parse(job(singleQuoted)));
    }

    private static void assertMentions(JobValidationException e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment),
                    () -> "expected the message to mention <" + fragment + "> but it was:\n" + e.getMessage());
        }
    }

    private static List<RequestSpec> inline(Job job) {
        return assertInstanceOf(RequestSource.Inline.class, job.requests()).requests();
    }

    // --- rejected jobs ---------------------------------------------------------------------------

    @Test
    void rejectsAUrlThatCannotBeParsed() {
        JobValidationException e = rejected("{'source': 'posts', 'requests': [{'url': 'https://api.example.com/a b'}]}");
        assertMentions(e, "$.requests[0].url", "\"https://api.example.com/a b\"", "not a valid URL");
        assertEquals(1, e.problems().size());
    }

    @Test
    void rejectsAnUnknownTopLevelField() {
        JobValidationException e = rejected("{'source': 'posts', 'chunksize': 10, 'requests': ['https://api.example.com/1']}");
        assertMentions(e, "$.chunksize", "10", "unknown field", "chunkSize");
    }

    @Test
    void rejectsAMisspeltNestedFieldInsteadOfDefaultingIt() {
        JobValidationException e = rejected("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'],
                 'fetch': {'perHost': {'maxConcurency': 5}}}""");
        assertMentions(e, "$.fetch.perHost.maxConcurency", "5", "unknown field", "maxConcurrency");
        assertEquals(1, e.problems().size());
    }

    @Test
    void rejectsAnUnknownFieldInARequest() {
        JobValidationException e = rejected("{'source': 'posts', 'requests': [{'url': 'https://api.example.com/1', 'headrs': {}}]}");
        assertMentions(e, "$.requests[0].headrs", "unknown field");
    }

    @Test
    void rejectsAJobWithNoRequestList() {
        JobValidationException e = rejected("{'source': 'posts'}");
        assertMentions(e, "$", "needs a request list", "requests", "requestsFrom", "template");
        assertEquals("$", e.problems().getFirst().path());
    }

    @Test
    void rejectsAJobWithTwoRequestLists() {
        JobValidationException e = rejected("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'], 'requestsFrom': '/data/requests.jsonl'}""");
        assertMentions(e, "$ = requests, requestsFrom", "more than one request list");
    }

    @Test
    void rejectsAnEmptyRequestsList() {
        JobValidationException e = rejected("{'source': 'posts', 'requests': []}");
        assertMentions(e, "$.requests = []", "is empty");
    }

    @Test
    void rejectsTwoRequestsWithTheSameIdAndNamesBoth() {
        JobValidationException e = rejected("""
                {'source': 'posts', 'requests': [
                  {'id': 'p1', 'url': 'https://api.example.com/1'},
                  {'id': 'p2', 'url': 'https://api.example.com/2'},
                  {'id': 'p1', 'url': 'https://api.example.com/3'}]}""");
        assertMentions(e, "$.requests[2].id", "\"p1\"", "duplicate request id", "$.requests[0].id");
        assertEquals(1, e.problems().size());
    }

    @Test
    void rejectsTheSameRequestListedTwiceBecauseItsDefaultIdRepeats() {
        JobValidationException e = rejected("""
                {'source': 'posts', 'requests': ['https://api.example.com/1', 'https://api.example.com/2',
                                                 {'url': 'https://api.example.com/1'}]}""");
        assertMentions(e, "$.requests[2].id", "duplicate request id", "$.requests[0].id");
    }

    @Test
    void namesTheRightPlacesOfADuplicateThatFollowsARejectedRequest() {
        JobValidationException e = rejected("""
                {'source': 'posts', 'requests': [
                  'ftp://api.example.com/0',
                  {'id': 'a', 'url': 'https://api.example.com/1'},
                  {'id': 'a', 'url': 'https://api.example.com/2'}]}""");
        assertEquals(2, e.problems().size(), e::getMessage);
        assertMentions(e, "$.requests[0] = \"ftp://api.example.com/0\"",
                "$.requests[2].id = \"a\": duplicate request id (also at $.requests[1].id)");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1001})
    void rejectsAChunkSizeOutOfRange(int chunkSize) {
        JobValidationException e = rejected("{'source': 'posts', 'chunkSize': " + chunkSize
                + ", 'requests': ['https://api.example.com/1']}");
        assertMentions(e, "$.chunkSize = " + chunkSize, "must be from 1 to 1000");
    }

    @Test
    void acceptsTheChunkSizeBounds() {
        assertEquals(1, parser.parse(job("{'source': 'posts', 'chunkSize': 1, 'requests': ['https://api.example.com/1']}")).chunkSize());
        assertEquals(1000, parser.parse(job("{'source': 'posts', 'chunkSize': 1000, 'requests': ['https://api.example.com/1']}")).chunkSize());
    }

    @Test
    void tellsAStatedChunkSizeFromTheDefault() {
        assertEquals(java.util.OptionalInt.of(100),
                parser.parse(job("{'source': 'posts', 'chunkSize': 100, 'requests': ['https://api.example.com/1']}")).statedChunkSize());
        Job unstated = parser.parse(job("{'source': 'posts', 'requests': ['https://api.example.com/1']}"));
        assertEquals(java.util.OptionalInt.empty(), unstated.statedChunkSize(), "left to the dispatcher's layout");
        assertEquals(Job.DEFAULT_CHUNK_SIZE, unstated.chunkSize());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://files.example.com/data.csv", "file:///etc/passwd"})
    void rejectsAUrlThatIsNotHttp(String url) {
        JobValidationException e = rejected("{'source': 'posts', 'requests': [{'url': '" + url + "'}]}");
        assertMentions(e, "$.requests[0].url", "\"" + url + "\"", "must be http or https");
    }

    @Test
    void rejectsARelativeUrl() {
        JobValidationException e = rejected("{'source': 'posts', 'requests': ['/posts/1']}");
        assertMentions(e, "$.requests[0]", "\"/posts/1\"", "absolute");
    }

    @Test
    void rejectsATemplateThatUsesAnUndefinedPlaceholder() {
        JobValidationException e = rejected("""
                {'source': 'posts', 'template': {'url': 'https://api.example.com/{user}/posts?page={page}',
                                                 'values': {'page': {'from': 1, 'to': 3}}}}""");
        assertMentions(e, "$.template.url", "\"https://api.example.com/{user}/posts?page={page}\"", "{user}", "does not define");
        assertEquals(1, e.problems().size());
    }

    @Test
    void rejectsATemplateValueThatNoPlaceholderUses() {
        JobValidationException e = rejected("""
                {'source': 'posts', 'template': {'url': 'https://api.example.com/posts?page={page}',
                                                 'values': {'page': [1, 2], 'lang': ['en', 'fr']}}}""");
        assertMentions(e, "$.template.values.lang", "is not used");
        assertEquals(1, e.problems().size());
    }

    @Test
    void rejectsASourceWithCapitals() {
        JobValidationException e = rejected("{'source': 'Posts', 'requests': ['https://api.example.com/1']}");
        assertMentions(e, "$.source = \"Posts\"", "lower-case");
    }

    @Test
    void rejectsAJobWithoutASource() {
        JobValidationException e = rejected("{'requests': ['https://api.example.com/1']}");
        assertMentions(e, "$.source", "is required");
    }

    @Test
    void rejectsADocumentThatIsNotJson() {
        JobValidationException e = rejected("{'source': 'posts', ");
        assertMentions(e, "$", "not valid JSON");
    }

    @Test
    void reportsEveryProblemOfAJobTogether() {
        JobValidationException e = rejected("""
                {'source': 'My Posts', 'chunkSize': 0, 'colour': 'blue',
                 'fetch': {'timeoutSeconds': 0},
                 'requests': ['ftp://api.example.com/1', 'https://api.example.com/2']}""");
        assertEquals(5, e.problems().size(), e::getMessage);
        assertMentions(e, "5 problems",
                "$.source = \"My Posts\"", "$.chunkSize = 0", "$.colour = \"blue\"",
                "$.fetch.timeoutSeconds = 0", "$.requests[0] = \"ftp://api.example.com/1\"");
    }

    // --- accepted jobs ---------------------------------------------------------------------------

    @Test
    void appliesTheDefaultsToAMinimalJob() {
        Job job = parser.parse(job("{'source': 'posts', 'requests': ['https://api.example.com/posts/1']}"));
        assertAll(
                () -> assertEquals("posts", job.source()),
                () -> assertNull(job.runId()),
                () -> assertEquals(100, job.chunkSize()),
                () -> assertEquals(FetchConfig.DEFAULT, job.fetch()),
                () -> assertEquals(new FetchConfig(256, new FetchConfig.PerHost(32, 50), 30,
                        new FetchConfig.Retry(5, 250, 30_000)), job.fetch()));
        RequestSpec request = inline(job).getFirst();
        assertEquals("GET", request.method());
        assertEquals(URI.create("https://api.example.com/posts/1"), request.url());
        assertEquals(Map.of(), request.headers());
        assertNull(request.body());
    }

    @Test
    void keepsTheDefaultsOfFetchFieldsNotGiven() {
        Job job = parser.parse(job("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'],
                 'fetch': {'perHost': {'maxConcurrency': 4}, 'retry': {'maxAttempts': 2}}}"""));
        assertEquals(new FetchConfig(256, new FetchConfig.PerHost(4, 50), 30, new FetchConfig.Retry(2, 250, 30_000)), job.fetch());
    }

    @Test
    void readsTheExampleJobOfTheDesign() {
        Job job = parser.parse(job("""
                {'source': 'posts',
                 'requests': [ {'url': 'https://api.example.com/posts/1'},
                               {'id': 'p2', 'method': 'post', 'url': 'https://api.example.com/search',
                                'headers': {'Content-Type': 'application/json'}, 'body': {'q': 'x'}} ],
                 'chunkSize': 100,
                 'fetch': { 'maxInFlight': 256,
                            'perHost': {'maxConcurrency': 32, 'requestsPerSecond': 50},
                            'timeoutSeconds': 30,
                            'retry': {'maxAttempts': 5, 'baseDelayMillis': 250, 'maxDelayMillis': 30000} }}"""));
        List<RequestSpec> requests = inline(job);
        assertEquals(2, requests.size());
        RequestSpec search = requests.get(1);
        assertEquals("p2", search.id());
        assertEquals("POST", search.method());
        assertEquals(Map.of("Content-Type", "application/json"), search.headers());
        assertEquals("{\"q\":\"x\"}", search.body().toString());
        assertEquals(FetchConfig.DEFAULT, job.fetch());
    }

    @Test
    void givesARequestTheSameDefaultIdEveryTimeTheJobIsParsed() {
        String document = job("""
                {'source': 'posts', 'requests': ['https://api.example.com/posts/1',
                  {'method': 'POST', 'url': 'https://api.example.com/search', 'body': {'q': 'x'}}]}""");
        List<String> first = inline(parser.parse(document)).stream().map(RequestSpec::id).toList();
        List<String> second = inline(new JobParser(Json.newMapper()).parse(document)).stream().map(RequestSpec::id).toList();
        assertEquals(first, second);
        assertTrue(first.getFirst().matches("[0-9a-f]{20}"), first::getFirst);
    }

    @Test
    void givesRequestsThatDifferOnlyInTheirBodyDifferentDefaultIds() {
        List<RequestSpec> requests = inline(parser.parse(job("""
                {'source': 'posts', 'requests': [
                  {'method': 'POST', 'url': 'https://api.example.com/search', 'body': {'q': 'x'}},
                  {'method': 'POST', 'url': 'https://api.example.com/search', 'body': {'q': 'y'}},
                  {'method': 'POST', 'url': 'https://api.example.com/search'},
                  {'method': 'GET', 'url': 'https://api.example.com/search'}]}""")));
        assertEquals(4, requests.stream().map(RequestSpec::id).distinct().count(), requests::toString);
    }

    @Test
    void keepsTheTemplateForTheExpanderWithItsValuesInOrder() {
        Job job = parser.parse(job("""
                {'source': 'posts', 'template': {'url': 'https://api.example.com/{user}/posts?page={page}',
                 'values': {'user': ['ann', 'bob'], 'page': {'from': 1, 'to': 5, 'step': 2}}}}"""));
        RequestSource.Template template = assertInstanceOf(RequestSource.Template.class, job.requests());
        assertEquals(List.of("user", "page"), List.copyOf(template.values().keySet()));
        assertEquals(List.of("1", "3", "5"), template.values().get("page"));
    }

    // --- fetch.hosts, retry.retryOn500, maxResponseBytes, redactHeaders --------------------------

    @Test
    void readsPerHostOverridesByHostAndByHostAndPortFillingTheRestFromPerHost() {
        Job job = parser.parse(job("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'],
                 'fetch': {'perHost': {'maxConcurrency': 8, 'requestsPerSecond': 20},
                           'hosts': {'API.Example.com': {'maxConcurrency': 2},
                                     'api.example.com:8443': {'requestsPerSecond': 5},
                                     '[::1]:8080': {'maxConcurrency': 3}}}}"""));

        Map<String, FetchConfig.PerHost> hosts = job.fetch().hosts();
        assertEquals(3, hosts.size(), hosts::toString);
        assertEquals(new FetchConfig.PerHost(2, 20), hosts.get("api.example.com"), "host names are kept in lower case");
        assertEquals(new FetchConfig.PerHost(8, 5), hosts.get("api.example.com:8443"));
        assertEquals(new FetchConfig.PerHost(3, 20), hosts.get("[::1]:8080"));
        assertEquals(new FetchConfig.PerHost(8, 20), job.fetch().perHost());
    }

    @Test
    void takesFleetWideCapsAsLargeAsApisAllowAndKeepsTheWorkersOwnBound() {
        Job job = parser.parse(job("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'],
                 'fetch': {'maxInFlight': 900, 'perHost': {'maxConcurrency': 10000, 'requestsPerSecond': 5000}}}"""));
        assertEquals(new FetchConfig.PerHost(10_000, 5_000), job.fetch().perHost());

        JobValidationException e = assertThrows(JobValidationException.class, () -> parser.parse(job("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'], 'fetch': {'maxInFlight': 1000}}""")));
        assertTrue(e.getMessage().contains("$.fetch.maxInFlight = 1000"), e.getMessage());
    }

    @Test
    void answersTheRetiredApiCapsWithTheFieldThatNowHoldsThem() {
        JobValidationException e = assertThrows(JobValidationException.class, () -> parser.parse(job("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'],
                 'fetch': {'perHost': {'maxConcurrency': 10, 'apiMaxConcurrency': 100},
                           'hosts': {'api.example.com': {'apiRequestsPerSecond': 40}}}}""")));
        assertTrue(e.getMessage().contains("$.fetch.perHost.apiMaxConcurrency = 100: is gone: write the API's limit in maxConcurrency"), e.getMessage());
        assertTrue(e.getMessage().contains("$.fetch.hosts['api.example.com'].apiRequestsPerSecond = 40: is gone: write the API's limit in requestsPerSecond")
                || e.getMessage().contains("apiRequestsPerSecond = 40: is gone"), e.getMessage());
    }

    @Test
    void rejectsAnUnknownFieldInAHostOverrideWithItsFullPath() {
        JobValidationException e = rejected("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'],
                 'fetch': {'hosts': {'api.example.com:8443': {'maxConcurency': 2}}}}""");

        assertEquals(1, e.problems().size(), e::getMessage);
        assertEquals("$.fetch.hosts.api.example.com:8443.maxConcurency", e.problems().getFirst().path());
        assertMentions(e, "unknown field", "maxConcurrency");
    }

    @Test
    void rejectsAnOutOfRangeValueInAHostOverrideWithItsFullPath() {
        JobValidationException e = rejected("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'],
                 'fetch': {'hosts': {'api.example.com': {'maxConcurrency': 0}}}}""");
        assertEquals("$.fetch.hosts.api.example.com.maxConcurrency", e.problems().getFirst().path());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://api.example.com", "api.example.com/v1", "api example.com", "api.example.com:port", "*.example.com"})
    void rejectsAHostOverrideKeyThatIsNotAHostOrHostAndPort(String key) {
        JobValidationException e = rejected("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'],
                 'fetch': {'hosts': {'%s': {'maxConcurrency': 2}}}}""".formatted(key));

        assertEquals(1, e.problems().size(), e::getMessage);
        assertEquals("$.fetch.hosts." + key, e.problems().getFirst().path());
        assertMentions(e, "is not a host name or host:port");
    }

    @Test
    void rejectsAHostOverrideThatIsNotAnObject() {
        JobValidationException e = rejected("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'], 'fetch': {'hosts': {'api.example.com': 4}}}""");
        assertMentions(e, "$.fetch.hosts.api.example.com", "must be an object");
    }

    @Test
    void readsRetryOn500AndDefaultsItToTrue() {
        Job off = parser.parse(job("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'], 'fetch': {'retry': {'retryOn500': false}}}"""));
        assertEquals(new FetchConfig.Retry(5, 250, 30_000, false), off.fetch().retry());

        Job unset = parser.parse(job("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'], 'fetch': {'retry': {'maxAttempts': 2}}}"""));
        assertTrue(unset.fetch().retry().retryOn500());
        assertTrue(FetchConfig.DEFAULT.retry().retryOn500());

        JobValidationException e = rejected("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'], 'fetch': {'retry': {'retryOn500': 'no'}}}""");
        assertMentions(e, "$.fetch.retry.retryOn500", "true or false");
    }

    @Test
    void readsMaxResponseBytesFromItsMinimumOfOneKibibyte() {
        Job job = parser.parse(job("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'], 'fetch': {'maxResponseBytes': 1024}}"""));
        assertEquals(1024, job.fetch().maxResponseBytes());
        assertEquals(FetchConfig.DEFAULT_MAX_RESPONSE_BYTES, FetchConfig.DEFAULT.maxResponseBytes());

        JobValidationException e = rejected("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'], 'fetch': {'maxResponseBytes': 1023}}""");
        assertMentions(e, "$.fetch.maxResponseBytes", "1023", "1024");
    }

    @Test
    void readsRedactHeadersAndRejectsAnEntryThatIsNotAName() {
        Job job = parser.parse(job("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'],
                 'fetch': {'redactHeaders': ['X-Session-Token', 'x-other']}}"""));
        assertEquals(List.of("X-Session-Token", "x-other"), job.fetch().redactHeaders());

        JobValidationException e = rejected("""
                {'source': 'posts', 'requests': ['https://api.example.com/1'], 'fetch': {'redactHeaders': ['ok', 3, '']}}""");
        assertEquals(List.of("$.fetch.redactHeaders[1]", "$.fetch.redactHeaders[2]"),
                e.problems().stream().map(Problem::path).toList());
    }

    // --- arithmetic on job values -----------------------------------------------------------------

    @Test
    void refusesFourRangesOf65536ValuesInsteadOfWrappingTheirProductToZero() {
        // 65,536^4 = 2^64, which a long multiplication wraps to 0: "at most a million" must not let it through.
        JobValidationException e = rejected("""
                {'source': 'posts', 'template': {'url': 'https://api.example.com/{a}/{b}/{c}/{d}',
                 'values': {'a': {'from': 0, 'to': 65535}, 'b': {'from': 0, 'to': 65535},
                            'c': {'from': 0, 'to': 65535}, 'd': {'from': 0, 'to': 65535}}}}""");
        assertMentions(e, "$.template.values", "expands to more than 20000000 requests");
    }

    @Test
    void countsATemplateBeforeListingItsValues() {
        assertEquals(RequestList.MAX_REQUESTS + 1L, JobParser.expandedCount(Json.newMapper().valueToTree(Map.of(
                "a", Map.of("from", Integer.MIN_VALUE, "to", Integer.MAX_VALUE),
                "b", Map.of("from", Integer.MIN_VALUE, "to", Integer.MAX_VALUE, "step", 1)))));
        assertEquals(6L, JobParser.expandedCount(Json.newMapper().valueToTree(Map.of(
                "a", List.of(1, 2, 3), "b", Map.of("from", 0, "to", 10, "step", 7)))));
    }

    @Test
    void refusesARangeFromTheSmallestToTheLargestInt() {
        JobValidationException e = rejected("""
                {'source': 'posts', 'template': {'url': 'https://api.example.com/{a}',
                 'values': {'a': {'from': -2147483648, 'to': 2147483647}}}}""");
        assertMentions(e, "$.template.values", "more than 20000000");
    }

    // --- two phases: the header picks the state values, then the whole job is read with them ------

    @Test
    void theHeaderReadsSourceRunIdAndIncrementalByTheParsersOwnRulesWithoutTheRestOfTheJob() throws Exception {
        JobHeader header = parser.header(Json.newMapper().readTree(job("""
                {'source': 'posts', 'runId': 'r-1', 'template': 'not even an object',
                 'incremental': {'itemsPath': 'items', 'valuePath': 'at', 'initial': '2026-01-01', 'tolerateFailures': '1%'}}""")));

        assertEquals(new JobHeader("posts", "r-1", new Incremental("since", "items", "at", "2026-01-01", false,
                new FailureTolerance(null, new java.math.BigDecimal("1")))), header);
    }

    @Test
    void theHeaderLeavesOutEachFieldThatBreaksTheParsersRules() throws Exception {
        JobHeader header = parser.header(Json.newMapper().readTree(job("""
                {'source': 'Posts', 'runId': 'has space', 'incremental': {'itemsPath': 'items', 'valuePath': 'at'}}""")));

        assertEquals(new JobHeader(null, null, null), header, "a capital, a space, a missing initial");
    }

    @Test
    void thePhaseTwoParseFillsStateValuesButNotTheIncrementalObject() throws Exception {
        Job parsed = parser.parse(Json.newMapper().readTree(job("""
                {'source': 'posts', 'requests': [{'url': 'https://api.example.com/changes?since={{state:since}}'}],
                 'incremental': {'itemsPath': 'items', 'valuePath': 'at', 'initial': '{{state:since}}'}}""")),
                Map.of("since", "2026-05-01"));

        assertEquals(URI.create("https://api.example.com/changes?since=2026-05-01"), inline(parsed).get(0).url());
        assertEquals("{{state:since}}", parsed.incremental().initial());
    }

    @Test
    void aPlaceholderThatNamesNoStateIsReportedWithTheHeaderProblemBehindIt() throws Exception {
        JobValidationException e = assertThrows(JobValidationException.class, () -> parser.parse(Json.newMapper().readTree(job("""
                {'source': 'posts', 'requests': [{'url': 'https://api.example.com/changes?since={{state:since}}'}],
                 'incremental': {'itemsPath': 'items', 'valuePath': 'at', 'initail': '2026-01-01'}}""")),
                Map.of("last_success_started_at", "1970-01-01T00:00:00Z")));

        assertMentions(e, "$.incremental.initail", "unknown field", "$.incremental.initial", "is required",
                "$.requests[0].url", "{{state:since}} names no state");
    }

    @Test
    void overridesChangeTheTypedHeaderAndRefuseARunIdTheJobCouldNotName() {
        JobHeader header = new JobHeader("posts", null, new Incremental("since", "items", "at", "2026-01-01", false, null));

        JobHeader changed = new JobOverrides("r-2", true).applyTo(header);

        assertEquals(new JobHeader("posts", "r-2", header.incremental().withFullRefresh(true)), changed);
        assertEquals(new JobHeader("posts", "r-2", null), new JobOverrides("r-2", true).applyTo(header.withIncremental(null)));
        assertMentions(assertThrows(JobValidationException.class, () -> new JobOverrides("../other", false)),
                "$.runId", "\"../other\"", "must be 1 to 64");
    }
}
