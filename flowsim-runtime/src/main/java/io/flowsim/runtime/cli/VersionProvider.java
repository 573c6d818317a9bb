package io.flowsim.runtime.cli;

import io.flowsim.runtime.discovery.FlowsimVersion;
import picocli.CommandLine.IVersionProvider;

/** The version the build wrote ({@link FlowsimVersion}), the one plugins' {@code Plugin-Requires} is checked against. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return lines();
    }

    /** {@code FlowSim <version>} and {@code Java <version> (<vendor>)}. */
    static String[] lines() {
        return new String[] {
            "FlowSim " + FlowsimVersion.current().orElse("(development build)"),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
