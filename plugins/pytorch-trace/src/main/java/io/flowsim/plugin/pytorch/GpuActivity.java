package io.flowsim.plugin.pytorch;

import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.Linkage;
import io.flowsim.api.model.MemoryTransfer;
import io.flowsim.api.model.OperatorCall;

import java.util.Map;

/**
 * A kernel, memcpy or memset as read from the trace, in compact form, plus what linking found for
 * it. Times are in nanoseconds of the trace's own base (the base is added when records are built).
 */
final class GpuActivity {
    final long ordinal;
    final EventKind kind;
    final String name;
    final long tsNs;
    final long durNs;
    final int device;
    final long stream;
    final int thread;
    final long correlation;
    final long externalId;
    final LaunchConfig launch;
    final CollectiveInfo collective;
    final MemoryTransfer transfer;
    final Map<String, String> attributes;

    RuntimeCall launchCall;
    Linkage.LaunchLink launchLink = Linkage.LaunchLink.NONE;
    OperatorCall operator;
    Linkage.OperatorLink operatorLink = Linkage.OperatorLink.NONE;
    String problem;
    String shapeLabel;
    /** The profiler operator a shape label stood in for, when that operator recorded no shapes. */
    String unshapedOperator;
    CollectiveInfo collectiveFromOperator;

    GpuActivity(long ordinal, EventKind kind, String name, long tsNs, long durNs, int device, long stream, int thread,
                long correlation, long externalId, LaunchConfig launch, CollectiveInfo collective,
                MemoryTransfer transfer, Map<String, String> attributes) {
        this.ordinal = ordinal;
        this.kind = kind;
        this.name = name;
        this.tsNs = tsNs;
        this.durNs = durNs;
        this.device = device;
        this.stream = stream;
        this.thread = thread;
        this.correlation = correlation;
        this.externalId = externalId;
        this.launch = launch;
        this.collective = collective;
        this.transfer = transfer;
        this.attributes = attributes;
    }

    long endNs() {
        return tsNs + durNs;
    }
}
