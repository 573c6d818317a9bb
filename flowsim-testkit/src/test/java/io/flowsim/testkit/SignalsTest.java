package io.flowsim.testkit;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SignalsTest {

    /** Prints what {@link Signals#ignoredByThisProcess} says for each argument. */
    public static final class Probe {
        public static void main(String[] args) throws IOException {
            StringBuilder out = new StringBuilder();
            for (String name : args) {
                out.append(name).append('=').append(Signals.ignoredByThisProcess(name)).append(' ');
            }
            System.out.print(out.toString().trim());
        }
    }

    /** Runs the probe through {@code sh -c}, as {@code java ... &} (a background job) or in the foreground. */
    private static String probe(boolean background) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        String command = "'" + java + "' -cp \"$CP\" '" + Probe.class.getName() + "' INT TERM" + (background ? " & wait" : "");
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
        builder.environment().put("CP", classPath);
        Process p = builder.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    @Test
    void aBackgroundJobOfAShellIgnoresSigintAndItsChildSeesThat() throws Exception {
        assumeTrue(new File("/proc/self/status").canRead() && new File("/bin/sh").canExecute(), "no /proc or no sh");
        assertThat(probe(true)).isEqualTo("INT=true TERM=" + Signals.ignoredByThisProcess("TERM"));
    }

    @Test
    void aForegroundChildIgnoresWhatThisProcessIgnores() throws Exception {
        assumeTrue(new File("/proc/self/status").canRead() && new File("/bin/sh").canExecute(), "no /proc or no sh");
        assumeFalse(Signals.ignoredByThisProcess("INT"), "this test's own process ignores SIGINT");
        assertThat(probe(false)).isEqualTo("INT=false TERM=" + Signals.ignoredByThisProcess("TERM"));
    }

    @Test
    void anUnknownSignalNameIsRefused() {
        assertThatThrownBy(() -> Signals.ignoredByThisProcess("KILL"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KILL");
    }
}
