package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.BronzeWriter;
import dev.fetchfleet.bronze.LocalBronzeStore;
import dev.fetchfleet.bronze.RunRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data engineer's first query: two runs of a job land in bronze, and DuckDB reads one of them through
 * the Hive layout (source=/ingest_date=/run_id=) with types it infers itself: fetched_at a timestamp,
 * status and duration_ms integers, body its nested JSON; counts by status are the API's. DuckDB may not fetch an
 * extension: autoinstall and autoload are off and its extension directory is empty, so the gzip JSON
 * Lines reader must be built in.
 */
class BronzeInDuckDbTest {

    private static final int REQUESTS = 200;
    private static final RunRef RUN = new RunRef("posts", "2026-11-30", "run-1");

    @Test
    void fetchedAtReadsAsAMillisecondTimestampWhateverPrecisionTheClockGave(@TempDir Path dir) throws Exception {
        // Instant.toString() wrote 0, 3, 6 or 9 digits; DuckDB 2.0 copes, but Spark's default JSON pattern
        // (yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]) reads only 0 or 3, so every line now has exactly 3.
        Path bronze = dir.resolve("bronze");
        BronzeWriter writer = new BronzeWriter(new LocalBronzeStore(bronze), Json.newMapper());
        List<String> readings = List.of("2026-11-30T01:02:03Z", "2026-11-30T01:02:03.100Z", "2026-11-30T01:02:03.123456Z");
        writer.writePart(RUN, 0, readings.stream().map(at -> new BronzeRecord(RUN.runId(), RUN.source(), at, "GET",
                "https://api.example.com/" + at, 200, Map.of(), null, null, Instant.parse(at), 5, 1, null, 0)).toList());

        try (Connection db = offlineDuckDb(Files.createDirectories(dir.resolve("duckdb-extensions"))); Statement sql = db.createStatement()) {
            assertEquals("TIMESTAMP WITH TIME ZONE", bronzeView(sql, bronze).get("fetched_at"));
            try (ResultSet row = sql.executeQuery("SELECT max(fetched_at) - min(fetched_at) FROM bronze")) {
                row.next();
                assertEquals("00:00:00.123", row.getString(1));
            }
        }
    }

    @Test
    void duckDbReadsOneRunOfBronzeThroughItsPartitionsWithTypedColumnsAndTheRightCounts(@TempDir Path dir) throws Exception {
        Path bronze = dir.resolve("bronze");
        String runId;
        try (FlakyApi api = new FlakyApi(5)) {
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "flaky", "chunkSize": 40,
                     "template": {"url": "%s/items/{n}", "values": {"n": {"from": 1, "to": %d}}},
                     "fetch": {"perHost": {"maxConcurrency": 50, "requestsPerSecond": 1000},
                               "retry": {"maxAttempts": 2, "baseDelayMillis": 10, "maxDelayMillis": 100}}}
                    """.formatted(api.base(), REQUESTS));
            Cli.Result first = Cli.run("run", job.toString(), "--bronze", bronze.toString(), "--workers", "4");
            assertEquals(0, first.exitCode(), first.err());
            runId = first.summary().get("run_id").asText();
            Cli.Result second = Cli.run("run", job.toString(), "--bronze", bronze.toString(), "--workers", "4");
            assertNotEquals(runId, second.summary().get("run_id").asText(), "a second run beside it, which the query must leave out");
        }
        Path extensions = Files.createDirectories(dir.resolve("duckdb-extensions"));

        try (Connection db = offlineDuckDb(extensions); Statement sql = db.createStatement()) {
            Map<String, String> types = bronzeView(sql, bronze);
            // Z on every line: an instant, which DuckDB types as a timestamp in UTC.
            assertEquals("TIMESTAMP WITH TIME ZONE", types.get("fetched_at"), types.toString());
            assertEquals("BIGINT", types.get("status"), types.toString());
            assertEquals("BIGINT", types.get("duration_ms"), types.toString());
            assertEquals("BIGINT", types.get("attempts"), types.toString());
            // Nested JSON stays nested: a STRUCT when every body has one shape (here {"n": …} or {"error": …}), JSON otherwise.
            assertEquals("STRUCT(n BIGINT, \"error\" VARCHAR)", types.get("body"), types.toString());
            assertEquals("DATE", types.get("ingest_date"), "the partition value, typed: " + types);

            Map<Integer, Long> byStatus = new TreeMap<>();
            try (ResultSet rows = sql.executeQuery("SELECT status, count(*) FROM bronze WHERE source = 'flaky' AND run_id = '" + runId
                    + "' GROUP BY status")) {
                while (rows.next()) {
                    byStatus.put(rows.getInt(1), rows.getLong(2));
                }
            }
            Map<Integer, Long> expected = new TreeMap<>();
            IntStream.rangeClosed(1, REQUESTS).forEach(n -> expected.merge(FlakyApi.finalStatus(n), 1L, Long::sum));
            assertEquals(expected, byStatus);

            try (ResultSet row = sql.executeQuery("SELECT count(*), count(DISTINCT run_id), min(fetched_at), max(ingest_date), "
                    + "sum(CAST(json_extract(to_json(body), '$.n') AS BIGINT)) FILTER (WHERE status = 200), min(duration_ms) FROM bronze")) {
                row.next();
                assertEquals(2L * REQUESTS, row.getLong(1), "both runs through the glob");
                assertEquals(2, row.getInt(2));
                assertEquals(OffsetDateTime.class, row.getObject(3, OffsetDateTime.class).getClass());
                assertEquals(LocalDate.class, row.getObject(4, LocalDate.class).getClass());
                long okSum = IntStream.rangeClosed(1, REQUESTS).filter(n -> FlakyApi.finalStatus(n) == 200).asLongStream().sum();
                assertEquals(2 * okSum, row.getLong(5), "body is JSON that json_extract reads");
            }

            try (ResultSet installed = sql.executeQuery("SELECT count(*) FROM duckdb_extensions() WHERE installed AND install_mode <> 'STATICALLY_LINKED'")) {
                installed.next();
                assertEquals(0, installed.getLong(1), "nothing installed from the network");
            }
        }
        try (Stream<Path> left = Files.list(extensions)) {
            assertEquals(0, left.count(), "the extension directory stays empty");
        }
    }

    /** An in-memory DuckDB that may not fetch or load an extension it does not carry. */
    private static Connection offlineDuckDb(Path emptyExtensionDirectory) throws SQLException {
        Connection db = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement sql = db.createStatement()) {
            sql.execute("SET autoinstall_known_extensions = false");
            sql.execute("SET autoload_known_extensions = false");
            sql.execute("SET extension_directory = '" + emptyExtensionDirectory + "'");
        }
        return db;
    }

    /** A view {@code bronze} over every part under {@code root}, Hive partitions as columns; its column types. */
    private static Map<String, String> bronzeView(Statement sql, Path root) throws SQLException {
        sql.execute("CREATE VIEW bronze AS SELECT * FROM read_json('" + root + "/source=*/ingest_date=*/run_id=*/part-*.jsonl.gz', "
                + "format = 'newline_delimited', hive_partitioning = true)");
        Map<String, String> types = new LinkedHashMap<>();
        try (ResultSet columns = sql.executeQuery("DESCRIBE bronze")) {
            while (columns.next()) {
                types.put(columns.getString("column_name"), columns.getString("column_type"));
            }
        }
        return types;
    }
}
