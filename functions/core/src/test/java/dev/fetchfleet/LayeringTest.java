package dev.fetchfleet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The package DAG of the design, held: job ← plan ← dispatch; fetch ← work; bronze a codec and store
 * that knows nothing of state, plans or runs; run decides completion; AWS adapters at the edges.
 */
@Tag("unit")
class LayeringTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.fetchfleet");

    @Test
    void featurePackagesFormNoCycle() {
        slices().matching("dev.fetchfleet.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void bronzeKnowsNothingOfStatePlansRunsOrTheWorkAroundIt() {
        noClasses().that().resideInAPackage("dev.fetchfleet.bronze..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fetchfleet.state..", "dev.fetchfleet.plan..",
                        "dev.fetchfleet.run..", "dev.fetchfleet.dispatch..", "dev.fetchfleet.work..", "dev.fetchfleet.fetch..",
                        "dev.fetchfleet.job..", "dev.fetchfleet.aws..")
                .check(CORE);
    }

    @Test
    void theJobIsTheBottomOfTheGraph() {
        noClasses().that().resideInAPackage("dev.fetchfleet.job..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fetchfleet.bronze..", "dev.fetchfleet.state..",
                        "dev.fetchfleet.plan..", "dev.fetchfleet.run..", "dev.fetchfleet.dispatch..", "dev.fetchfleet.work..",
                        "dev.fetchfleet.fetch..", "dev.fetchfleet.aws..")
                .check(CORE);
    }

    @Test
    void planningAndFetchingKnowNothingOfWhoUsesThem() {
        noClasses().that().resideInAnyPackage("dev.fetchfleet.plan..", "dev.fetchfleet.fetch..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fetchfleet.dispatch..", "dev.fetchfleet.work..",
                        "dev.fetchfleet.run..", "dev.fetchfleet.aws..")
                .check(CORE);
        noClasses().that().resideInAPackage("dev.fetchfleet.fetch..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fetchfleet.plan..", "dev.fetchfleet.state..")
                .check(CORE);
    }

    @Test
    void onlyTheAwsAdaptersSpeakToAws() {
        noClasses().that().resideOutsideOfPackage("dev.fetchfleet.aws..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
                .check(CORE);
    }

    @Test
    void theSharedRootKnowsNoFeature() {
        // Json, WireFormat and Ticker are used by every package; one import back would make a cycle through them all.
        noClasses().that().resideInAPackage("dev.fetchfleet")
                .should().dependOnClassesThat().resideInAPackage("dev.fetchfleet.(*)..")
                .check(CORE);
    }

    @Test
    void nothingReadsTheJobBackOutOfTheManifest() {
        // Completion and status work from the manifest's typed fields; the job (embedded in manifests of
        // format 1, in _job.json since) is for people to read, and RunFiles.job is where they find it.
        noClasses().that().doNotHaveFullyQualifiedName(dev.fetchfleet.run.RunFiles.class.getName())
                .should().callMethod(dev.fetchfleet.run.Manifest.class, "job").check(CORE);
        noClasses().should().callMethod(dev.fetchfleet.run.RunFiles.class, "job", dev.fetchfleet.run.Manifest.class).check(CORE);
    }

    @Test
    void onlyTheJobPackageFillsStatePlaceholders() {
        noClasses().that().resideOutsideOfPackage("dev.fetchfleet.job..")
                .should().callMethodWhere(com.tngtech.archunit.base.DescribedPredicate.describe("StatePlaceholders.substitute",
                        call -> call.getTarget().getOwner().getSimpleName().equals("StatePlaceholders")
                                && call.getTarget().getName().equals("substitute")))
                .check(CORE);
    }
}
