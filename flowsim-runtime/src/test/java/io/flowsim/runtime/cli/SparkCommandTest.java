package io.flowsim.runtime.cli;

import io.flowsim.runtime.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code flowsim spark}: finding the flowsim-spark assembly, and the one line when it is not built. */
class SparkCommandTest {

    @Test
    void withoutTheAssemblyItSaysInOneLineHowToBuildIt() {
        assumeTrue(System.getenv("FLOWSIM_SPARK_HOME") == null && System.getProperty("flowsim.home") == null,
                "an assembly may be configured in this environment");
        CliRun r = CliRun.of("spark", "--traces", "traces/*.json.gz", "--output", "out");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err().strip()).doesNotContain("\n").contains("not built", SparkCommand.BUILD_COMMAND);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void findsTheAssemblyOfTheCheckoutTheDistributionWasBuiltIn(@TempDir Path checkout) throws IOException {
        Path home = Files.createDirectories(checkout.resolve("flowsim-runtime/target/flowsim"));
        assertThat(SparkCommand.assembly(Map.of(), home.toString())).isEmpty();
        Path assembly = checkout.resolve("flowsim-spark/target/flowsim-spark");
        Files.createDirectories(assembly.resolve("lib"));
        assertThat(SparkCommand.assembly(Map.of(), home.toString())).as("a lib/ without the job's jar").isEmpty();
        Files.createFile(assembly.resolve("lib/flowsim-spark-0.1.0-SNAPSHOT.jar"));
        assertThat(SparkCommand.assembly(Map.of(), home.toString())).contains(assembly);
    }

    @Test
    void flowsimSparkHomeComesFirstAndSparkHomeReplacesTheBundledSparkJars(@TempDir Path dir) throws IOException {
        Path configured = dir.resolve("elsewhere");
        Files.createDirectories(configured.resolve("lib"));
        Files.createFile(configured.resolve("lib/flowsim-spark.jar"));
        Files.createDirectories(configured.resolve("spark-lib"));
        assertThat(SparkCommand.assembly(Map.of("FLOWSIM_SPARK_HOME", configured.toString()), null))
                .contains(configured);
        assertThat(SparkCommand.sparkJars(Map.of(), configured)).contains(configured.resolve("spark-lib"));
        Path sparkHome = Files.createDirectories(dir.resolve("spark-4/jars")).getParent();
        assertThat(SparkCommand.sparkJars(Map.of("SPARK_HOME", sparkHome.toString()), configured))
                .contains(sparkHome.resolve("jars"));
    }

    @Test
    void everyInstalledJdkStartsWithTheJobJvmOptionsOfItsVersion() throws IOException, InterruptedException {
        List<Path> homes = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
        Path installed = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(installed)) {
            try (Stream<Path> jdks = Files.list(installed)) {
                jdks.filter(home -> Files.isRegularFile(home.resolve("release"))
                        && Files.isExecutable(home.resolve("bin/java"))).forEach(homes::add);
            }
        }
        Pattern version = Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)");
        int checked = 0;
        for (Path home : homes) {
            Path release = home.resolve("release");
            if (!Files.isRegularFile(release)) {
                continue;
            }
            Matcher m = version.matcher(Files.readString(release));
            if (!m.find()) {
                continue;
            }
            int feature = Integer.parseInt(m.group(1));
            List<String> options = SparkCommand.jvmOptions(feature);
            assertThat(options).containsAll(SparkCommand.JVM_OPENS);
            assertThat(options.contains("--sun-misc-unsafe-memory-access=allow")).as(home.toString())
                    .isEqualTo(feature >= 23);
            List<String> command = new ArrayList<>(List.of(home.resolve("bin/java").toString()));
            command.addAll(options);
            command.add("-version");
            Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(java.getInputStream().readAllBytes());
            assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(java.exitValue()).as(home + ": " + output).isZero();
            checked++;
        }
        assertThat(checked).as("at least the JDK running the tests").isPositive();
    }
}
