package io.flowsim.plugin.analytical;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.HardwareTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HardwareCatalogTest {

    private static HardwareCatalog bundled() {
        return HardwareCatalog.of(ProfileFiles.readBundled(), List.of());
    }

    @ParameterizedTest
    @CsvSource({
        "NVIDIA H200, h200-sxm",
        "NVIDIA A100-SXM4-80GB, a100-sxm-80gb",
        "NVIDIA H100 80GB HBM3, h100-sxm",
        "H100, h100-sxm",
        "h100 sxm, h100-sxm",
        "B200, b200",
        "nvidia b200, b200",
        "a100, a100-sxm-80gb",
        "NVIDIA A100-PG509-200, a100-sxm4-40gb",
        "NVIDIA A100-SXM4-40GB, a100-sxm4-40gb",
        "NVIDIA A100-PCIE-40GB, a100-pcie-40gb",
        "NVIDIA A100 80GB PCIe, a100-pcie-80gb",
        "NVIDIA H100 PCIe, h100-pcie",
        "NVIDIA H100 NVL, h100-nvl",
        "NVIDIA L40S, l40s",
        "h200-sxm, h200-sxm"})
    void findsProfilesByTheNamesGpusGoBy(String name, String id) {
        assertThat(bundled().resolve(new HardwareTarget(name, Optional.empty())).id()).isEqualTo(id);
    }

    /**
     * The names {@code torch.cuda.get_device_name()} reports for the GPUs of the twelfth session's profiles (what a
     * trace's {@code deviceProperties} record), each with the SM count and the memory (MiB) that public device
     * queries of such a GPU show (nvidia-smi or {@code torch.cuda.get_device_properties}; a T4 with ECC off and
     * on): each resolves to its own profile, silently.
     */
    @ParameterizedTest
    @CsvSource({
        "Tesla V100-SXM2-16GB, 80, 16160, v100-sxm2-16gb",
        "Tesla V100-SXM2-32GB, 80, 32510, v100-sxm2-32gb",
        "Tesla V100-PCIE-16GB, 80, 16384, v100-pcie-16gb",
        "Tesla V100-PCIE-32GB, 80, 32510, v100-pcie-32gb",
        "Tesla T4, 40, 15360, t4",
        "Tesla T4, 40, 14930, t4",
        "NVIDIA A10, 72, 23028, a10",
        "NVIDIA A40, 84, 45416, a40",
        "NVIDIA L4, 58, 23034, l4",
        "NVIDIA L40S, 142, 45589, l40s",
        "NVIDIA H800, 132, 81559, h800-sxm",
        "NVIDIA H20, 78, 97285, h20",
        "NVIDIA GB200, 152, 189471, gb200"})
    void recordedDeviceNamesResolveExactlyToTheirProfile(String name, int sms, long mib, String id) {
        DeviceInfo device = new DeviceInfo(0, name, sms, mib << 20, 8, 0, Map.of());
        HardwareCatalog.Match m = bundled().match(new HardwareTarget(name, Optional.of(device)));
        assertThat(m.profile().id()).isEqualTo(id);
        assertThat(m.warning()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "V100, v100-sxm2-16gb",
        "v100 pcie, v100-pcie-16gb",
        "T4, t4",
        "NVIDIA T4, t4",
        "A10, a10",
        "A40, a40",
        "L4, l4",
        "H800, h800-sxm",
        "h20, h20",
        "GB200, gb200",
        "NVIDIA Tesla V100-SXM2-32GB, v100-sxm2-32gb"})
    void shortNamesAndTheTeslaPrefixFindTheNewProfiles(String name, String id) {
        assertThat(bundled().resolve(new HardwareTarget(name, Optional.empty())).id()).isEqualTo(id);
    }

    /** A10 and A10G, L4 and L40S, H20 and H200 share letters, not a profile: no name finds the other's. */
    @Test
    void namesThatShareLettersDoNotCrossOver() {
        DeviceInfo a10g = new DeviceInfo(0, "NVIDIA A10G", 80, 23_028L << 20, 8, 0, Map.of());
        assertThatThrownBy(() -> bundled().resolve(new HardwareTarget(a10g.name(), Optional.of(a10g))))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("'NVIDIA A10G'").contains("a10 (NVIDIA A10)")
                            .contains("--hardware FILE");
                });
        assertThat(bundled().resolve(new HardwareTarget("NVIDIA L40S", Optional.empty())).id()).isEqualTo("l40s");
        assertThat(bundled().resolve(new HardwareTarget("NVIDIA H200", Optional.empty())).id()).isEqualTo("h200-sxm");
    }

    /** Near misses of the new names still find their profile, with a warning naming both. */
    @Test
    void nearMissesOfTheNewNamesWarn() {
        DeviceInfo v100 = new DeviceInfo(0, "Tesla V100-SXM2-16GB-LS", 80, 16_160L << 20, 7, 0, Map.of());
        HardwareCatalog.Match m = bundled().match(new HardwareTarget(v100.name(), Optional.of(v100)));
        assertThat(m.profile().id()).isEqualTo("v100-sxm2-16gb");
        assertThat(m.warning()).contains("Tesla V100-SXM2-16GB-LS").contains("v100-sxm2-16gb");
        DeviceInfo t4 = new DeviceInfo(0, "Tesla T4 16GB", 40, 15_109L << 20, 7, 0, Map.of());
        HardwareCatalog.Match t = bundled().match(new HardwareTarget(t4.name(), Optional.of(t4)));
        assertThat(t.profile().id()).isEqualTo("t4");
        assertThat(t.warning()).isEmpty();
        // an H800 PCIe card (114 SMs) is not the SXM module: an error asking for a profile, not a silent H800 SXM
        DeviceInfo pcie = new DeviceInfo(0, "NVIDIA H800 PCIe", 114, 81_559L << 20, 9, 0, Map.of());
        assertThatThrownBy(() -> bundled().resolve(new HardwareTarget(pcie.name(), Optional.of(pcie))))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.getMessage())
                        .contains("114 SMs").contains("h800-sxm").contains("--hardware"));
    }

    @Test
    void theTraceSmCountSeparatesVariantsThatShareAName() {
        DeviceInfo pcie = new DeviceInfo(0, "NVIDIA H100 PCIe", 114, 0, 9, 0, Map.of());
        assertThat(bundled().resolve(new HardwareTarget(pcie.name(), Optional.of(pcie))).id()).isEqualTo("h100-pcie");
        DeviceInfo odd = new DeviceInfo(0, "NVIDIA H100 PCIe", 132, 0, 9, 0, Map.of());
        HardwareTarget t = new HardwareTarget("NVIDIA H100 PCIe", Optional.of(odd));
        assertThatThrownBy(() -> bundled().resolve(t)).isInstanceOfSatisfying(FlowsimException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
            assertThat(e.getMessage()).contains("132 SMs").contains("h100-pcie").contains("--hardware");
        });
        DeviceInfo sxm = new DeviceInfo(0, "NVIDIA H100 80GB HBM3", 132, 0, 9, 0, Map.of());
        assertThat(bundled().resolve(new HardwareTarget(sxm.name(), Optional.of(sxm))).id()).isEqualTo("h100-sxm");
    }

    @Test
    void theTraceMemoryTellsTheA100VariantsApartAndAnExactMatchIsSilent() {
        DeviceInfo forty = new DeviceInfo(0, "NVIDIA A100-PG509-200", 108, 42_297_524_224L, 8, 0, Map.of());
        HardwareCatalog.Match m = bundled().match(new HardwareTarget(forty.name(), Optional.of(forty)));
        assertThat(m.profile().id()).isEqualTo("a100-sxm4-40gb");
        assertThat(m.profile().hbmBandwidthGbps()).isEqualTo(1555);
        assertThat(m.warning()).isEmpty();
        DeviceInfo eighty = new DeviceInfo(0, "NVIDIA A100-SXM4-80GB", 108, 85_198_045_184L, 8, 0, Map.of());
        assertThat(bundled().match(new HardwareTarget(eighty.name(), Optional.of(eighty))).warning()).isEmpty();
    }

    @Test
    void anApproximateMatchWarnsNamingTheGpuAndTheProfile() {
        DeviceInfo unknown = new DeviceInfo(0, "NVIDIA H100 NVL 96GB", 132, 0, 9, 0, Map.of());
        HardwareCatalog.Match m = bundled().match(new HardwareTarget(unknown.name(), Optional.of(unknown)));
        assertThat(m.profile().id()).isEqualTo("h100-nvl");
        assertThat(m.warning()).contains("NVIDIA H100 NVL 96GB").contains("h100-nvl").contains("--gpu");
        DeviceInfo bigger = new DeviceInfo(0, "NVIDIA A100-SXM4-40GB", 108, 85_198_045_184L, 8, 0, Map.of());
        assertThat(bundled().match(new HardwareTarget(bigger.name(), Optional.of(bigger))).warning())
                .contains("79.3 GiB").contains("a100-sxm4-40gb");
    }

    @Test
    void aWhatIfTargetIgnoresTheTraceDevicesSmCount() {
        DeviceInfo h200 = new DeviceInfo(0, "NVIDIA H200", 132, 0, 9, 0, Map.of());
        assertThat(bundled().resolve(new HardwareTarget("B200", Optional.of(h200))).id()).isEqualTo("b200");
    }

    @Test
    void unknownNamesFailWithTheKnownProfiles() {
        assertThatThrownBy(() -> bundled().resolve(new HardwareTarget("Radeon MI300X", Optional.empty())))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("Radeon MI300X").contains("b200").contains("--hardware FILE");
                });
    }

    @Test
    void aUserProfileWithABundledIdReplacesIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("h100.json");
        Files.writeString(file, """
                {"id": "h100-sxm", "name": "My H100", "aliases": ["H100"], "sm_count": 132,
                 "peak_tflops": {"bf16": 900}, "hbm_bandwidth_gbps": 3000, "efficiency_from": "h100-sxm",
                 "efficiency": {"gemm": {"compute_efficiency": 0.5}}}""");
        HardwareCatalog c = HardwareCatalog.of(ProfileFiles.readBundled(), List.of(file));
        HardwareProfile p = c.resolve(new HardwareTarget("NVIDIA H100 80GB HBM3", Optional.empty()));
        assertThat(p.name()).isEqualTo("My H100");
        assertThat(p.get(Param.GEMM_COMPUTE_EFFICIENCY)).isEqualTo(0.5);
        HardwareProfile base = bundled().resolve(new HardwareTarget("H100", Optional.empty()));
        // Parameters it does not set come from efficiency_from.
        assertThat(p.get(Param.MOE_BLOCK_M)).isEqualTo(base.get(Param.MOE_BLOCK_M));
    }

    @Test
    void normalizationDropsVendorPunctuationAndCase() {
        assertThat(HardwareCatalog.normalize("NVIDIA A100-SXM4-80GB")).isEqualTo("a100 sxm4 80gb");
        assertThat(HardwareCatalog.normalize("  nvidia   H200 ")).isEqualTo("h200");
        assertThat(HardwareCatalog.normalize("Tesla V100-SXM2-16GB")).isEqualTo("v100 sxm2 16gb");
        assertThat(HardwareCatalog.normalize("NVIDIA Tesla T4")).isEqualTo("t4");
    }
}
