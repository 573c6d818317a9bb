package io.flowsim.runtime;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Architecture rules over every module's production classes: the API depends on the JDK only;
 * plugins depend on the API and their own libraries, never on the runtime or on each other; no
 * package cycles. The classes are imported from each module's {@code target/classes} (the reactor
 * builds the API and the plugins before the runtime).
 */
class ArchitectureTest {

    private static JavaClasses all;
    private static final List<Path> PLUGIN_CLASS_DIRS = new ArrayList<>();

    @BeforeAll
    static void importClasses() throws IOException {
        Path repo = Path.of(System.getProperty("flowsim.repo.dir", "..")).toAbsolutePath().normalize();
        List<Path> roots = new ArrayList<>();
        roots.add(repo.resolve("flowsim-api/target/classes"));
        roots.add(repo.resolve("flowsim-runtime/target/classes"));
        roots.add(repo.resolve("flowsim-testkit/target/classes"));
        try (Stream<Path> plugins = Files.list(repo.resolve("plugins"))) {
            plugins.map(p -> p.resolve("target/classes")).filter(Files::isDirectory).sorted()
                    .forEach(PLUGIN_CLASS_DIRS::add);
        }
        roots.addAll(PLUGIN_CLASS_DIRS);
        all = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPaths(roots.stream().filter(Files::isDirectory).toList());
    }

    @Test
    void theImportFoundEveryModulesClasses() {
        assertThat(all.contain("io.flowsim.api.SimulatorBackend")).as("flowsim-api classes").isTrue();
        assertThat(all.contain("io.flowsim.api.model.KernelRecord")).as("flowsim-api model classes").isTrue();
        assertThat(all.contain("io.flowsim.runtime.pipeline.Pipeline")).as("flowsim-runtime classes").isTrue();
        assertThat(PLUGIN_CLASS_DIRS).as("compiled plugin modules").hasSizeGreaterThanOrEqualTo(5);
        for (String pkg : List.of("io.flowsim.plugin.pytorch", "io.flowsim.plugin.kernels", "io.flowsim.plugin.csv",
                "io.flowsim.plugin.llmcompass", "io.flowsim.plugin.sglang")) {
            assertThat(all.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
                    .as("classes of %s", pkg).isTrue();
        }
    }

    @Test
    void theApiDependsOnTheJdkOnly() {
        ArchRule rule = classes().that().resideInAPackage("io.flowsim.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.flowsim.api..", "java..");
        rule.check(all);
    }

    @Test
    void theTestKitDependsOnTheApiAndTheJdkOnlyAndNoProductionCodeUsesIt() {
        assertThat(all.contain("io.flowsim.testkit.ExtensionHarness")).as("flowsim-testkit classes").isTrue();
        classes().that().resideInAPackage("io.flowsim.testkit..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.flowsim.api..", "io.flowsim.testkit..", "java..")
                .check(all);
        noClasses().that().resideInAnyPackage("io.flowsim.api..", "io.flowsim.runtime..", "io.flowsim.plugin..")
                .should().dependOnClassesThat().resideInAPackage("io.flowsim.testkit..")
                .check(all);
    }

    @Test
    void theModelDoesNotDependOnTheExtensionPoints() {
        noClasses().that().resideInAPackage("io.flowsim.api.model..")
                .should().dependOnClassesThat().resideInAPackage("io.flowsim.api")
                .check(all);
    }

    /** Plugins reach FlowSim only through the API. */
    static final ArchRule PLUGINS_DO_NOT_USE_THE_RUNTIME = noClasses().that().resideInAPackage("io.flowsim.plugin..")
            .should().dependOnClassesThat().resideInAnyPackage("io.flowsim.runtime..", "org.pf4j..", "picocli..");

    @Test
    void pluginsNeverDependOnTheRuntimeOrItsLibraries() {
        PLUGINS_DO_NOT_USE_THE_RUNTIME.check(all);
    }

    @Test
    void theRuleCatchesAPluginClassThatImportsARuntimeClass(@TempDir Path tmp) throws IOException {
        // a plugin class that uses the runtime's Pipeline: the rule above must report it
        Path src = tmp.resolve("src/io/flowsim/plugin/rogue/Rogue.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package io.flowsim.plugin.rogue;
                public final class Rogue {
                    public Object reach() { return io.flowsim.runtime.pipeline.Pipeline.class; }
                }
                """);
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        Path runtimeClasses = Path.of(System.getProperty("flowsim.repo.dir", "..")).toAbsolutePath().normalize()
                .resolve("flowsim-runtime/target/classes");
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp",
                runtimeClasses + java.io.File.pathSeparator + PluginJarBuilder.apiLocation(), src.toString());
        assertThat(rc).isZero();
        JavaClasses rogue = new ClassFileImporter().importPaths(classes);
        assertThat(PLUGINS_DO_NOT_USE_THE_RUNTIME.evaluate(rogue).hasViolation()).isTrue();
    }

    @Test
    void pluginsNeverDependOnEachOther() {
        slices().matching("io.flowsim.plugin.(*)..").should().notDependOnEachOther().check(all);
    }

    @Test
    void pluginsUseOnlyTheApiTheJdkAndThirdPartyLibraries() {
        DescribedPredicate<JavaClass> otherFlowsimCode = new DescribedPredicate<>("FlowSim code outside the API") {
            @Override
            public boolean test(JavaClass c) {
                return c.getPackageName().startsWith("io.flowsim.") && !c.getPackageName().startsWith("io.flowsim.api")
                        && !c.getPackageName().startsWith("io.flowsim.plugin.");
            }
        };
        noClasses().that().resideInAPackage("io.flowsim.plugin..").should().dependOnClassesThat(otherFlowsimCode)
                .check(all);
    }

    @Test
    void thereAreNoPackageCycles() {
        slices().matching("io.flowsim.(**)").should().beFreeOfCycles().check(all);
    }

    @Test
    void theRuntimeReachesPluginsOnlyThroughTheApi() {
        noClasses().that().resideInAPackage("io.flowsim.runtime..")
                .should().dependOnClassesThat().resideInAPackage("io.flowsim.plugin..")
                .check(all);
    }
}
