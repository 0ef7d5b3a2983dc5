package dev.fetchfleet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local run whose job names secrets, without {@code --resolve-secrets}, is refused before anything is
 * sent, with the hint: not retried delivery after delivery into the dead-letter queue.
 */
class LocalSecretsRefusalTest {

    @Test
    void aJobNamingASecretIsRefusedAtOnceWithTheHintToResolveSecrets(@TempDir Path dir) throws Exception {
        try (FlakyApi api = new FlakyApi(0)) {
            Path job = dir.resolve("job.json");
            Files.writeString(job, """
                    {"source": "s", "requests": [{"url": "%s/items/1"},
                      {"url": "%s/items/2", "headers": {"Authorization": "Bearer {{secretsmanager:api/token}}"}}],
                     "paginate": {"type": "link"}}
                    """.formatted(api.base(), api.base()));
            Path bronze = dir.resolve("bronze");

            Cli.Result result = Cli.run("run", job.toString(), "--bronze", bronze.toString());

            assertEquals(FetchFleetCli.EXIT_INVALID_JOB, result.exitCode(), result.err());
            assertTrue(result.err().contains("$.requests[1].headers.Authorization = \"Bearer {{secretsmanager:api/token}}\""), result.err());
            assertTrue(result.err().contains("pass --resolve-secrets"), result.err());
            assertFalse(result.err().contains("dead-letter"), result.err());
            assertEquals(0, api.total(), "nothing was sent");
            assertFalse(Files.exists(bronze), "nothing was written");
        }
    }

    @Test
    void aRequestsFromFileNamingASecretIsRefusedWithItsLine(@TempDir Path dir) throws Exception {
        try (FlakyApi api = new FlakyApi(0)) {
            Path requests = dir.resolve("requests.jsonl");
            Files.writeString(requests, api.base() + "/items/1\n\n{\"url\": \"" + api.base()
                    + "/items/2\", \"headers\": {\"X-Key\": \"{{ssm:/api/key}}\"}}\n");
            Path job = dir.resolve("job.json");
            Files.writeString(job, "{\"source\": \"s\", \"requestsFrom\": \"" + requests.toString().replace("\\", "\\\\") + "\"}");

            Cli.Result result = Cli.run("run", job.toString(), "--bronze", dir.resolve("bronze").toString());

            assertEquals(FetchFleetCli.EXIT_INVALID_JOB, result.exitCode(), result.err());
            assertTrue(result.err().contains("$.requestsFrom[" + requests + " line 3]"), result.err());
            assertTrue(result.err().contains("pass --resolve-secrets"), result.err());
            assertEquals(0, api.total());
        }
    }
}
