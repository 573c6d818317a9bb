package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;

import java.util.List;

/** Access to the bundled profiles, and variants of them, for tests. */
final class Profiles {

    private static final List<ProfileFiles.Loaded> BUNDLED = ProfileFiles.readBundled();

    private Profiles() {
    }

    static HardwareProfile bundled(String id) {
        return BUNDLED.stream().map(ProfileFiles.Loaded::profile).filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no bundled profile " + id));
    }

    static List<HardwareProfile> all() {
        return BUNDLED.stream().map(ProfileFiles.Loaded::profile).toList();
    }

    /** The 16-bit type a GPU's tensor cores multiply: BF16, or FP16 on a GPU without BF16 units (V100, T4). */
    static DataType sixteenBit(HardwareProfile p) {
        return p.peakFlops("bf16").isPresent() ? DataType.BF16 : DataType.FP16;
    }

    /** A profile whose parameters are all set to {@code lower} or {@code upper} bounds (or mixed). */
    static HardwareProfile atBounds(HardwareProfile p, boolean upper) {
        double[] values = p.parameters();
        for (Param q : Param.values()) {
            values[q.ordinal()] = upper ? q.upper() : q.lower();
        }
        return p.withParameters(values);
    }
}
