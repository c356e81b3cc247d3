package dev.bosun.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No package cycle in any module: the server's classpath holds every module but {@code examples} and
 * {@code bench} (one package each, and nothing depends on them), so one import checks them all. Maven
 * already forbids cycles between modules; this catches them between packages. bosun-core's own
 * rules (the API and {@code internal}) are in its {@code ArchitectureTest} (D96).
 */
class PackageCyclesTest {
    static JavaClasses all;

    @BeforeAll
    static void importEveryModule() {
        all = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.bosun");
    }

    @Test
    void importedEveryModuleOnTheClasspath() {
        // a rule over nothing passes; make sure each module's classes were found
        for (String pkg : new String[] {
            "dev.bosun",
            "dev.bosun.server.http",
            "dev.bosun.store.sqlite",
            "dev.bosun.store.postgres",
            "dev.bosun.sandbox.bwrap",
            "dev.bosun.sandbox.docker",
            "dev.bosun.client",
            "dev.bosun.contract"
        }) {
            assertThat(all.containPackage(pkg)).as(pkg).isTrue();
        }
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching("dev.bosun.(**)").should().beFreeOfCycles().check(all);
    }

    @Test
    void noModuleButTheCoreReachesItsMachinery() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.bosun.server..",
                        "dev.bosun.store.sqlite..",
                        "dev.bosun.store.postgres..",
                        "dev.bosun.sandbox.bwrap..",
                        "dev.bosun.sandbox.docker..",
                        "dev.bosun.client..",
                        "dev.bosun.contract..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.bosun.internal..")
                .because("dev.bosun.internal is not API; go through SessionManager")
                .check(all);
    }
}
