package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fetchfleet.Json;
import dev.fetchfleet.aws.S3TextFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class RequestListExpanderTest {

    private final ObjectMapper mapper = Json.newMapper();
    private final JobParser parser = new JobParser(mapper);
    /** The production reader: local paths are read from disk; S3 must never be asked for one. */
    private final RequestListExpander expander = new RequestListExpander(mapper,
            S3TextFiles.s3OrLocalFile(() -> { throw new AssertionError("a local path must not go to S3"); }));

    @TempDir
    Path dir;

    private List<RequestSpec> expand(String singleQuoted) {
        return expander.expand(parser.parse(singleQuoted.replace('\'', '"')));
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static String fromFileJob(Path file) {
        return "{'source': 'posts', 'requestsFrom': '" + file.toString().replace("\\", "/") + "'}";
    }

    private static List<String> urls(List<RequestSpec> requests) {
        return requests.stream().map(r -> r.url().toString()).toList();
    }

    @Test
    void expandsATemplateAsACrossProductWithTheFirstNameOutermost() {
        List<RequestSpec> requests = expand("""
                {'source': 'posts', 'template': {'url': 'https://api.example.com/{user}/posts?page={page}',
                 'headers': {'X-User': '{user}'},
                 'values': {'user': ['ann', 'bob'], 'page': {'from': 1, 'to': 3}}}}""");
        assertEquals(List.of(
                "https://api.example.com/ann/posts?page=1", "https://api.example.com/ann/posts?page=2",
                "https://api.example.com/ann/posts?page=3", "https://api.example.com/bob/posts?page=1",
                "https://api.example.com/bob/posts?page=2", "https://api.example.com/bob/posts?page=3"), urls(requests));
        assertEquals(Map.of("X-User", "bob"), requests.get(4).headers());
        assertEquals(6, requests.stream().map(RequestSpec::id).distinct().count());
        assertTrue(requests.stream().allMatch(r -> r.method().equals("GET")));
    }

    @Test
    void expandsARangeWithAStep() {
        List<RequestSpec> requests = expand("""
                {'source': 'posts', 'template': {'url': 'https://api.example.com/posts/{n}',
                 'values': {'n': {'from': 10, 'to': 20, 'step': 5}}}}""");
        assertEquals(List.of("https://api.example.com/posts/10", "https://api.example.com/posts/15",
                "https://api.example.com/posts/20"), urls(requests));
    }

    @Test
    void givesTemplateRequestsTheSameIdsOnEveryExpansion() {
        String job = "{'source': 'posts', 'template': {'url': 'https://api.example.com/posts/{n}', 'values': {'n': [1, 2, 3]}}}";
        assertEquals(expand(job).stream().map(RequestSpec::id).toList(), expand(job).stream().map(RequestSpec::id).toList());
    }

    @Test
    void rejectsATemplateThatExpandsToABadUrl() {
        JobValidationException e = assertThrows(JobValidationException.class, () -> expand("""
                {'source': 'posts', 'template': {'url': 'https://api.example.com/search?q={q}',
                 'values': {'q': ['ok', 'two words']}}}"""));
        assertTrue(e.getMessage().contains("$.template.url"), e.getMessage());
        assertTrue(e.getMessage().contains("\"https://api.example.com/search?q=two words\""), e.getMessage());
    }

    @Test
    void aFileRewrittenAfterTheRunReadItFailsALaterReadingInsteadOfGivingOtherRequests() throws IOException {
        Path requests = file("requests.jsonl", "https://api.example.com/posts/1\nhttps://api.example.com/posts/2\n");
        Job job = parser.parse(fromFileJob(requests).replace('\'', '"'));
        RequestList list = expander.scan(job);
        List<String> read = new java.util.ArrayList<>();
        expander.read(job, list.range(0, 2), r -> read.add(r.url().toString()));
        assertEquals(List.of("https://api.example.com/posts/1", "https://api.example.com/posts/2"), read, "unchanged: read as scanned");

        // The same count of other requests: only the version tells them apart.
        Files.writeString(requests, "https://api.example.com/posts/8\nhttps://api.example.com/posts/9\n", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(requests, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(60)));

        JobValidationException e = assertThrows(JobValidationException.class,
                () -> expander.read(job, list.range(0, 2), r -> read.add(r.url().toString())));
        assertTrue(e.getMessage().contains("$.requestsFrom") && e.getMessage().contains("changed since the run first read it"), e.getMessage());
        assertEquals(2, read.size(), "no request of the new text was handed on");
    }

    @Test
    void readsObjectsAndBareUrlsFromAJsonLinesFileSkippingBlankLines() throws IOException {
        Path requests = file("requests.jsonl", """
                {"id": "first", "url": "https://api.example.com/posts/1"}

                https://api.example.com/posts/2
                   \t
                {"method": "POST", "url": "https://api.example.com/search", "headers": {"Accept": "application/json"}, "body": {"q": "x"}}
                "https://api.example.com/posts/3"
                """);
        List<RequestSpec> expanded = expand(fromFileJob(requests));

        assertEquals(List.of("https://api.example.com/posts/1", "https://api.example.com/posts/2",
                "https://api.example.com/search", "https://api.example.com/posts/3"), urls(expanded));
        assertEquals("first", expanded.get(0).id());
        assertEquals("GET", expanded.get(1).method());
        assertNull(expanded.get(1).body());
        RequestSpec search = expanded.get(2);
        assertEquals("POST", search.method());
        assertEquals(Map.of("Accept", "application/json"), search.headers());
        assertEquals("{\"q\":\"x\"}", search.body().toString());
    }

    @Test
    void givesABareUrlInAFileTheSameIdAsTheSameUrlInline() throws IOException {
        Path requests = file("requests.jsonl", "https://api.example.com/posts/2\n");
        String fromFile = expand(fromFileJob(requests)).getFirst().id();
        String inline = expand("{'source': 'posts', 'requests': ['https://api.example.com/posts/2']}").getFirst().id();
        assertEquals(inline, fromFile);
    }

    @Test
    void rejectsDuplicateIdsInAFileNamingBothLines() throws IOException {
        Path requests = file("requests.jsonl", """
                {"id": "a", "url": "https://api.example.com/posts/1"}
                {"id": "b", "url": "https://api.example.com/posts/2"}

                {"id": "a", "url": "https://api.example.com/posts/3"}
                """);
        JobValidationException e = assertThrows(JobValidationException.class, () -> expand(fromFileJob(requests)));
        String location = requests.toString().replace("\\", "/");
        assertEquals(1, e.problems().size(), e::getMessage);
        assertTrue(e.getMessage().contains("$.requestsFrom[" + location + " line 4].id"), e.getMessage());
        assertTrue(e.getMessage().contains("also at $.requestsFrom[" + location + " line 1].id"), e.getMessage());
    }

    @Test
    void rejectsBadLinesOfAFileByLineNumberAllAtOnce() throws IOException {
        Path requests = file("requests.jsonl", """
                https://api.example.com/posts/1
                ftp://api.example.com/posts/2
                {"url": "https://api.example.com/posts/3", "colour": "blue"}
                {"url": broken
                """);
        JobValidationException e = assertThrows(JobValidationException.class, () -> expand(fromFileJob(requests)));
        String location = requests.toString().replace("\\", "/");
        assertEquals(3, e.problems().size(), e::getMessage);
        // By line number and what is wrong, never the line's text: the file may not be the job author's to read.
        assertTrue(e.getMessage().contains("$.requestsFrom[" + location + " line 2]: scheme must be http or https"), e.getMessage());
        assertTrue(e.getMessage().contains("$.requestsFrom[" + location + " line 3]: unknown field"), e.getMessage());
        assertTrue(e.getMessage().contains("$.requestsFrom[" + location + " line 4]: is not valid JSON (column"), e.getMessage());
        assertTrue(!e.getMessage().contains("ftp:") && !e.getMessage().contains("colour") && !e.getMessage().contains("broken"), e.getMessage());
    }

    @Test
    void rejectsAFileWithNoRequests() throws IOException {
        Path requests = file("empty.jsonl", "\n  \n");
        JobValidationException e = assertThrows(JobValidationException.class, () -> expand(fromFileJob(requests)));
        assertTrue(e.getMessage().contains("$.requestsFrom"), e.getMessage());
        assertTrue(e.getMessage().contains("holds no requests"), e.getMessage());
    }

    @Test
    void rejectsAFileThatDoesNotExist() {
        Path missing = dir.resolve("missing.jsonl");
        JobValidationException e = assertThrows(JobValidationException.class, () -> expand(fromFileJob(missing)));
        assertTrue(e.getMessage().contains("$.requestsFrom"), e.getMessage());
        assertTrue(e.getMessage().contains("missing.jsonl"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    }

    @Test
    void returnsInlineRequestsAsWritten() {
        List<RequestSpec> requests = expand("""
                {'source': 'posts', 'requests': ['https://api.example.com/b', 'https://api.example.com/a']}""");
        assertEquals(List.of(URI.create("https://api.example.com/b"), URI.create("https://api.example.com/a")),
                requests.stream().map(RequestSpec::url).toList());
    }
}
