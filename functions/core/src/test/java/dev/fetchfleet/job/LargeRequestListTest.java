package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lists too long to hold: read twice, never kept, and the duplicate-id check in 8 bytes a request, which
 * still names both places of a duplicate and neither refuses a job nor drops a request when two
 * different ids share a hash.
 */
class LargeRequestListTest {

    private final JobParser parser = new JobParser(Json.newMapper());
    private final RequestListExpander expander = new RequestListExpander(Json.newMapper(), new LocalTextFiles());

    @TempDir
    Path dir;

    private Job job(String json) {
        return parser.parse(json.replace('\'', '"'));
    }

    private Path lines(int count, int duplicateOfLine7At) throws IOException {
        Path file = dir.resolve("requests.jsonl");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int line = 1; line <= count; line++) {
                out.write("https://api.example.com/items/" + (line == duplicateOfLine7At ? 7 : line) + "\n");
            }
        }
        return file;
    }

    @Test
    void refusesADuplicateIdAmongAMillionTemplateRequestsNamingTheFieldTheValueAndTheEarlierPlace() {
        // {a}{b} with a in (1, 11): a=1,b=11 and a=11,b=1 are both .../111, requests 10 and 600,000.
        Job job = job("{'source': 'posts', 'template': {'url': 'https://api.example.com/{a}{b}',"
                + " 'values': {'a': ['1', '11'], 'b': {'from': 1, 'to': 600000}}}}");

        JobValidationException e = assertThrows(JobValidationException.class, () -> expander.scan(job));

        String id = RequestReader.defaultId("GET", URI.create("https://api.example.com/111"), null);
        Problem first = e.problems().getFirst();
        assertEquals("$.template (request 600000).id", first.path());
        assertEquals('"' + id + '"', first.value());
        assertTrue(first.message().contains("duplicate request id (also at $.template (request 10).id)"), first.message());
    }

    @Test
    void refusesADuplicateIdNearTheEndOfAMillionLineFileNamingBothLinesButNotTheFilesText() throws IOException {
        Path file = lines(1_000_000, 999_990);
        Job job = job("{'source': 'posts', 'requestsFrom': '" + file + "'}");

        JobValidationException e = assertThrows(JobValidationException.class, () -> expander.scan(job));

        assertEquals(1, e.problems().size(), e::getMessage);
        Problem problem = e.problems().getFirst();
        assertEquals("$.requestsFrom[" + file + " line 999990].id", problem.path());
        assertTrue(problem.message().contains("also at $.requestsFrom[" + file + " line 7].id"), problem.message());
        assertFalse(e.getMessage().contains("items/7"), "a requestsFrom file's content is not the job author's to see");
    }

    @Test
    void aMillionLineFileIsScannedToItsCountAndMarksThenReadFromAMarkInTheMiddle() throws IOException {
        Path file = lines(1_000_000, -1);
        Job job = job("{'source': 'posts', 'requestsFrom': '" + file + "'}");

        RequestList list = expander.scan(job);

        assertEquals(1_000_000, list.count());
        assertEquals(RequestList.SAMPLE, list.sample().size());
        assertEquals(1_000, list.marks().size());
        List<String> urls = new ArrayList<>();
        expander.read(job, list.range(543_210, 543_213), r -> urls.add(r.url().toString()));
        assertEquals(List.of("https://api.example.com/items/543211", "https://api.example.com/items/543212",
                "https://api.example.com/items/543213"), urls);
    }

    @Test
    void idsWhoseHashesCollideAreNeitherRefusedNorDroppedButARealDuplicateAmongThemIs() throws IOException {
        RequestListExpander everyIdCollides = new RequestListExpander(new LocalTextFiles(), id -> 42L);
        Job distinct = job("{'source': 'posts', 'requestsFrom': '" + lines(3_000, -1) + "'}");

        RequestList list = everyIdCollides.scan(distinct);

        assertEquals(3_000, list.count());
        HashSet<String> read = new HashSet<>();
        everyIdCollides.read(distinct, list.range(0, list.count()), r -> read.add(r.id()));
        assertEquals(3_000, read.size(), "every request, once");

        Path withDuplicate = Files.move(lines(3_000, 2_999), dir.resolve("dup.jsonl"));
        JobValidationException e = assertThrows(JobValidationException.class,
                () -> everyIdCollides.scan(job("{'source': 'posts', 'requestsFrom': '" + withDuplicate + "'}")));
        assertEquals(List.of("$.requestsFrom[" + withDuplicate + " line 2999].id"), e.problems().stream().map(Problem::path).toList());
    }

    @Test
    void aTemplateSliceIsComputedWithoutTheRequestsBeforeIt() {
        Job job = job("{'source': 'posts', 'template': {'url': 'https://api.example.com/{a}/{b}',"
                + " 'values': {'a': ['x', 'y', 'z'], 'b': {'from': 0, 'to': 4999999}}}}");
        List<String> urls = new ArrayList<>();

        expander.read(job, RequestRange.indexed(9_999_999, 10_000_001), r -> urls.add(r.url().toString()));

        assertEquals(List.of("https://api.example.com/y/4999999", "https://api.example.com/z/0"), urls);
    }
}
