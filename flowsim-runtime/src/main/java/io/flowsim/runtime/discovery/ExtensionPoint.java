package io.flowsim.runtime.discovery;

import io.flowsim.api.Exporter;
import io.flowsim.api.FlowsimExtension;
import io.flowsim.api.KernelResolver;
import io.flowsim.api.MeasurementTableReader;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.TraceSource;

/** The five extension points FlowSim discovers. */
public enum ExtensionPoint {
    TRACE_SOURCE(TraceSource.class, "trace source"),
    KERNEL_RESOLVER(KernelResolver.class, "kernel resolver"),
    SIMULATOR_BACKEND(SimulatorBackend.class, "simulator backend"),
    EXPORTER(Exporter.class, "exporter"),
    MEASUREMENT_TABLE_READER(MeasurementTableReader.class, "measurement table reader");

    private final Class<? extends FlowsimExtension> type;
    private final String label;

    ExtensionPoint(Class<? extends FlowsimExtension> type, String label) {
        this.type = type;
        this.label = label;
    }

    /** The extension point's interface. */
    public Class<? extends FlowsimExtension> type() {
        return type;
    }

    /** A human-readable name ("trace source"). */
    public String label() {
        return label;
    }

    /** The service file an extension is listed in: {@code META-INF/services/<interface>}. */
    public String serviceResource() {
        return "META-INF/services/" + type.getName();
    }
}
