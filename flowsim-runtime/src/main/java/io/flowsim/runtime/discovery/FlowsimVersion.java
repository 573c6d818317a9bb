package io.flowsim.runtime.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Properties;

/**
 * The running FlowSim's version, as the build wrote it into {@code flowsim-version.properties}: what
 * {@code flowsim --version} prints and what PF4J checks each plugin's {@code Plugin-Requires} against.
 * Read from the class path, so a run from {@code target/classes} (the tests) knows it as well as the
 * distribution's jar does. Thread-safe, stateless.
 */
public final class FlowsimVersion {

    private static final String RESOURCE = "flowsim-version.properties";

    private FlowsimVersion() {
    }

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}; empty when the resource is missing or was not filtered. */
    public static Optional<String> current() {
        Properties p = new Properties();
        try (InputStream in = FlowsimVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return Optional.empty();
            }
            p.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        String v = p.getProperty("flowsim.version", "").trim();
        return v.isEmpty() || v.contains("${") ? Optional.empty() : Optional.of(v);
    }
}
