package dev.bosun;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of bosun-core, checked on its compiled classes: no package cycle, the machinery in
 * {@code dev.bosun.internal..} reached only through the front door ({@link SessionManager}), and no
 * public signature outside it that names an internal type (docs/ARCHITECTURE.md, "Packages"; D96).
 */
class ArchitectureTest {
    static final String INTERNAL = "dev.bosun.internal..";

    static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.bosun");
    }

    /** Every package of the module that is part of a cycle fails this, naming the cycle's edges. */
    static ArchRule noPackageCycles() {
        return slices().matching("dev.bosun.(**)").should().beFreeOfCycles();
    }

    @Test
    void importedTheWholeModule() {
        // a rule over nothing passes; make sure the importer found the core and the machinery
        assertThat(core.contain(SessionManager.class)).isTrue();
        assertThat(core.stream()
                        .filter(c -> c.getPackageName().startsWith("dev.bosun.internal."))
                        .count())
                .isGreaterThan(5);
    }

    @Test
    void packagesFormNoCycle() {
        noPackageCycles().check(core);
    }

    @Test
    void onlyTheFrontDoorReachesTheMachinery() {
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.bosun", INTERNAL)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(INTERNAL)
                .because("internal packages are not API: only the front door wires them")
                .check(core);
    }

    @Test
    void theApiNamesNoInternalType() {
        classes()
                .that()
                .resideOutsideOfPackage(INTERNAL)
                .and()
                .arePublic()
                .should(exposeNoInternalType())
                .check(core);
    }

    @Test
    void everyInternalPackageSaysItIsNotApi() throws IOException {
        Path root = Path.of("src/main/java/dev/bosun/internal");
        List<Path> packages;
        try (Stream<Path> dirs = Files.walk(root)) {
            packages = dirs.filter(Files::isDirectory).toList();
        }
        assertThat(packages).hasSizeGreaterThan(1);
        for (Path p : packages) {
            Path info = p.resolve("package-info.java");
            assertThat(info).as("%s needs a package-info.java", p).exists();
            assertThat(Files.readString(info)).as(info.toString()).containsIgnoringCase("not API");
        }
    }

    /** Public and protected members (and the supertypes) of a class name no type of an internal package. */
    static ArchCondition<JavaClass> exposeNoInternalType() {
        return new ArchCondition<>("expose no type of " + INTERNAL + " in a public signature") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                List<String> leaks = new ArrayList<>();
                Stream.concat(c.getRawSuperclass().stream(), c.getRawInterfaces().stream())
                        .filter(INTERNAL_TYPE)
                        .forEach(t -> leaks.add("extends " + t.getName()));
                for (JavaField f : c.getFields()) {
                    if (visible(f.getModifiers()))
                        involved(f.getType()).forEach(t -> leaks.add(f.getName() + ": " + t));
                }
                for (JavaCodeUnit u : c.getCodeUnits()) {
                    if (!visible(u.getModifiers())) continue;
                    involved(u.getReturnType()).forEach(t -> leaks.add(u.getName() + " returns " + t));
                    u.getParameterTypes()
                            .forEach(p -> involved(p).forEach(t -> leaks.add(u.getName() + " takes " + t)));
                }
                for (String leak : leaks) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + " exposes an internal type: " + leak));
                }
            }
        };
    }

    static final DescribedPredicate<JavaClass> INTERNAL_TYPE =
            DescribedPredicate.describe("internal", t -> t.getPackageName().startsWith("dev.bosun.internal"));

    static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    static Stream<String> involved(JavaType type) {
        return type.getAllInvolvedRawTypes().stream().filter(INTERNAL_TYPE).map(JavaClass::getName);
    }
}
