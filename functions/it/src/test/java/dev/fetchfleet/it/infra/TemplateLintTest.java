package dev.fetchfleet.it.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** template.yaml passes cfn-lint, which also applies the SAM transform offline. */
@Tag("runtime")
class TemplateLintTest {

    @Test
    void cfnLintFindsNothingInTheTemplate() throws Exception {
        assumeTrue(InfraCommand.onPath("cfn-lint"), "cfn-lint is not on PATH (pip install cfn-lint); template not linted");

        InfraCommand.Result lint = InfraCommand.run("cfn-lint", Duration.ofMinutes(2), "cfn-lint", "template.yaml");

        assertEquals(0, lint.exitCode(), () -> lint.describe(80));
    }
}
