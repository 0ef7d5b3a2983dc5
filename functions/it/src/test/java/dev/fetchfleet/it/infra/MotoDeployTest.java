package dev.fetchfleet.it.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The stack deploys: infrastructure/moto-deploy.sh builds both functions through the Makefile as
 * `sam build` would, packages, expands the SAM transform and creates the stack on a local moto server,
 * then checks queues, functions, trigger, schedule and roles with the AWS CLI.
 */
@Tag("infra")
@Tag("runtime")
class MotoDeployTest {

    @Test
    void theSamStackBuildsAndDeploysOnMoto() throws Exception {
        for (String tool : new String[] {"moto_server", "aws"}) {
            assumeTrue(InfraCommand.onPath(tool), tool + " is not on PATH (pip install 'moto[server]' awscli); deployment not tried");
        }

        InfraCommand.Result deploy = InfraCommand.run(
                "moto-deploy", Duration.ofMinutes(10), "bash", "infrastructure/moto-deploy.sh");

        assertEquals(0, deploy.exitCode(), () -> deploy.describe(60));
    }
}
