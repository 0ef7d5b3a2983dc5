package dev.fetchfleet.it.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack deploys: infrastructure/moto-deploy.sh builds both functions through the Makefile as
 * `sam build` would (validating the scheduled jobs), packages, expands the SAM transform and creates the
 * stack on a local moto server, then checks queues, functions, trigger, schedules, roles, dashboard, and,
 * in the expanded template, the alias, SnapStart, Glue table and alarms that moto cannot create.
 */
@Tag("infra")
@Tag("runtime")
class MotoDeployTest {

    @Test
    void theSamStackWithThreeScheduledJobsBuildsAndDeploysOnMoto(@TempDir Path schedules) throws Exception {
        for (String tool : new String[] {"moto_server", "aws"}) {
            assumeTrue(InfraCommand.onPath(tool), tool + " is not on PATH (pip install 'moto[server]' awscli); deployment not tried");
        }
        // Three sources on three schedules, one of them off: each must become its own rule with its own job.
        Files.writeString(schedules.resolve("posts.json"), """
                {"schedule": "rate(15 minutes)", "enabled": true,
                 "job": {"source": "posts", "requests": [{"url": "https://api.example.com/posts"}]}}
                """);
        Files.writeString(schedules.resolve("users-daily.json"), """
                {"schedule": "cron(0 3 * * ? *)", "enabled": true, "description": "users, nightly",
                 "job": {"source": "users", "template": {"url": "https://api.example.com/users/{n}",
                         "values": {"n": {"from": 1, "to": 50}}}, "chunkSize": 10}}
                """);
        Files.writeString(schedules.resolve("orders.json"), """
                {"schedule": "rate(6 hours)", "enabled": false,
                 "job": {"source": "orders", "requests": [{"url": "https://api.example.com/orders?page=1"}]}}
                """);

        InfraCommand.Result deploy = InfraCommand.run("moto-deploy", Duration.ofMinutes(25),
                Map.of("SCHEDULES_DIR", schedules.toString()), "bash", "infrastructure/moto-deploy.sh");

        assertEquals(0, deploy.exitCode(), () -> deploy.describe(60));
        String log = Files.readString(deploy.log());
        assertTrue(log.contains("3 scheduled job(s) valid"), () -> deploy.describe(60));
        assertTrue(log.contains("4 rules targeting the dispatcher"), () -> deploy.describe(60));
    }
}
