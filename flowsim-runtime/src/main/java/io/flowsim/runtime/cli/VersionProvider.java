package io.flowsim.runtime.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the runtime jar's manifest. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return lines();
    }

    /** {@code FlowSim <version>} and {@code Java <version> (<vendor>)}. */
    static String[] lines() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "FlowSim " + (v == null ? "(development build)" : v),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
