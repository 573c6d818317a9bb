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
    }
}
