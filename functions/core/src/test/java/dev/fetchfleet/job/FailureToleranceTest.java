package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code incremental.tolerateFailures}: a count or a percentage of the run's requests, checked with its path and value. */
@Tag("unit")
class FailureToleranceTest {

    private final JobParser parser = new JobParser(Json.newMapper());

    private Job parse(String tolerate) {
        return parser.parse(("{'source': 's', 'requests': ['https://api.example.com/'], 'incremental': "
                + "{'itemsPath': 'items', 'valuePath': 'at', 'initial': '0'" + (tolerate == null ? "" : ", 'tolerateFailures': " + tolerate)
                + "}}").replace('\'', '"'));
    }

    @Test
    void toleratesNoFailureUnlessTheJobSaysSo() {
        FailureTolerance none = parse(null).incremental().tolerateFailures();
        assertEquals(FailureTolerance.NONE, none);
        assertTrue(none.allows(0, 100));
        assertFalse(none.allows(1, 1_000_000));
    }

    @ParameterizedTest(name = "{0} allows {1} of {2}: {3}")
    @CsvSource({
            "3,        3, 10,   true",
            "3,        4, 10,   false",
            "'\"1%\"',   1, 100,  true",
            "'\"1%\"',   2, 100,  false",
            "'\"0.5%\"', 1, 200,  true",
            "'\"0.5%\"', 1, 199,  false",
            "'\"100%\"', 7, 7,    true",
            "'\"0%\"',   0, 5,    true"})
    void countsAndPercentagesOfTheRunsRequests(String written, long failed, long requests, boolean allowed) {
        assertEquals(allowed, parse(written).incremental().tolerateFailures().allows(failed, requests));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.5", "\"ten\"", "\"101%\"", "\"-1%\"", "\"5\"", "true", "[1]"})
    void rejectsAnythingElseNamingThePathAndTheValue(String written) {
        JobValidationException e = assertThrows(JobValidationException.class, () -> parse(written));

        assertEquals(List.of("$.incremental.tolerateFailures"), e.problems().stream().map(Problem::path).toList());
        Problem problem = e.problems().getFirst();
        assertEquals(written, problem.value());
        assertTrue(problem.message().contains("a percentage of the run's requests"), problem.message());
    }
}
