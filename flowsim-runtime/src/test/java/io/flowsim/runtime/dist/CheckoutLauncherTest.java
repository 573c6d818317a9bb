package io.flowsim.runtime.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The source checkout's launcher, {@code ./flowsim}: it builds the distribution when a source is newer than the
 * stamp {@code target/flowsim/.built}, and only then. Runs in the build's {@code distribution-launcher} execution,
 * after {@code package}: the distribution that build assembled must count as built (its stamp is written by the
 * build, not only by the launcher), so {@code ./flowsim} right after a {@code mvn package} builds nothing. Maven is
 * replaced by a stand-in on the {@code PATH} that records its arguments: a call is a build.
 */
class CheckoutLauncherTest {

    @TempDir
    Path work;

    /** A run of the launcher and the arguments Maven's stand-in was called with, one call a line. */
    private record Launch(BashRun.Result result, List<String> mavenCalls) { }

    /** bash runs {@code script args...} with {@code mvn} the stand-in, which exits {@code mavenExit}. */
    private Launch run(Path script, int mavenExit, String... args) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path calls = work.resolve("mvn-calls.txt");
        Files.deleteIfExists(calls);
        Path mvn = Files.writeString(bin.resolve("mvn"), "#!/bin/bash\necho \"$*\" >> '" + calls + "'\nexit "
                + mavenExit + "\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        BashRun.Result r = BashRun.run(work, script, Map.of("PATH", bin + ":/usr/local/bin:/usr/bin:/bin"), args);
        return new Launch(r, Files.exists(calls) ? Files.readAllLines(calls) : List.of());
    }

    /** The checkout: this module's parent. */
    private static Path checkout() {
        String prop = System.getProperty("flowsim.repo.dir");
        return prop != null ? Path.of(prop) : Path.of("..").toAbsolutePath().normalize();
    }

    /**
     * This build assembled the distribution from the sources as they are: {@code ./flowsim} runs it as it is.
     * (Were the stamp the launcher's alone, a fresh clone built by {@code mvn verify} would have none, and a
     * checkout edited since the launcher's last build an older one: either way a build.)
     */
    @Test
    void theDistributionThisBuildAssembledIsNotBuiltAgain() throws Exception {
        Path script = checkout().resolve("flowsim");
        Path distribution = Path.of(System.getProperty("flowsim.distribution", "target/flowsim"));
        assumeTrue(Files.isRegularFile(script), "no ./flowsim at " + script);
        assumeTrue(Files.isExecutable(distribution.resolve("bin/flowsim")), "no assembled distribution");
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no bash");

        Launch r = run(script, 1, "--version");

        assertThat(r.mavenCalls()).as(r.result().stderr()).isEmpty();
        assertThat(r.result().exitCode()).as(r.result().stderr()).isZero();
        assertThat(r.result().stdout()).contains(System.getProperty("flowsim.version", "FlowSim"));
    }

    /**
     * A stand-in checkout (the real script, a distribution that echoes, one source): a source older than the stamp
     * builds nothing; one newer is built, and after a successful build nothing more.
     */
    @Test
    void aSourceNewerThanTheStampIsBuiltOnceAndAnOlderOneIsNot() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no bash");
        Path root = Files.createDirectories(work.resolve("checkout"));
        Path script = Files.copy(checkout().resolve("flowsim"), root.resolve("flowsim"));
        Path distribution = Files.createDirectories(root.resolve("flowsim-runtime/target/flowsim/bin"));
        Path program = Files.writeString(distribution.resolve("flowsim"), "#!/bin/bash\necho ran \"$@\"\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path stamp = Files.createFile(distribution.resolveSibling(".built"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Path source = Files.createDirectories(root.resolve("plugins/x/src/main/java")).resolve("A.java");
        Files.writeString(source, "class A { }");
        Instant now = Instant.now();
        Files.setLastModifiedTime(stamp, FileTime.from(now.minusSeconds(60)));
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(now.minusSeconds(120)));
        Files.setLastModifiedTime(source, FileTime.from(now.minusSeconds(120)));

        Launch older = run(script, 0, "--version");
        assertThat(older.mavenCalls()).as(older.result().stderr()).isEmpty();
        assertThat(older.result().stdout()).isEqualTo("ran --version\n");

        Files.setLastModifiedTime(source, FileTime.from(now.minusSeconds(30)));
        Launch newer = run(script, 0, "--version");
        assertThat(newer.mavenCalls()).singleElement().asString().contains("-pl flowsim-runtime -am package");
        assertThat(newer.result().stdout()).isEqualTo("ran --version\n");

        Launch again = run(script, 0, "--version");
        assertThat(again.mavenCalls()).as(again.result().stderr()).isEmpty();
    }
}
