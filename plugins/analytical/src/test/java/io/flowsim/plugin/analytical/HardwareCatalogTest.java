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
        "NVIDIA GB200, 152, 189471, gb200",
        "NVIDIA B300 SXM6 AC, 148, 275040, b300",
        "NVIDIA GB300, 152, 284208, gb300",
        "NVIDIA A30, 56, 24060, a30",
        "NVIDIA A30, 56, 24576, a30",
        "NVIDIA H20-3e, 78, 143771, h20-3e"})
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
        "NVIDIA Tesla V100-SXM2-32GB, v100-sxm2-32gb",
        "B300, b300",
        "NVIDIA B300, b300",
        "HGX B300, b300",
        "GB300, gb300",
        "GB300 NVL72, gb300",
        "A30, a30",
        "H20E, h20-3e",
        "H20-3e, h20-3e",
        "h20 141GB, h20-3e"})
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

    /**
     * The 96 GB and the 141 GB H20 have the same SMs: should the 141 GB part record the 96 GB part's name
     * ({@code NVIDIA H20}), its memory picks h20-3e, silently; the 96 GB memory, or no memory (a {@code --gpu}
     * name), keeps h20. A GPU whose memory fits neither keeps the name's profile, with the memory warning.
     */
    @Test
    void theTraceMemoryPicksTheH20VariantTheNameDoesNot() {
        DeviceInfo big = new DeviceInfo(0, "NVIDIA H20", 78, 143_771L << 20, 9, 0, Map.of());
        HardwareCatalog.Match m = bundled().match(new HardwareTarget(big.name(), Optional.of(big)));
        assertThat(m.profile().id()).isEqualTo("h20-3e");
        assertThat(m.warning()).isEmpty();
        DeviceInfo small = new DeviceInfo(0, "NVIDIA H20", 78, 97_285L << 20, 9, 0, Map.of());
        assertThat(bundled().resolve(new HardwareTarget(small.name(), Optional.of(small))).id()).isEqualTo("h20");
        DeviceInfo unknownMemory = new DeviceInfo(0, "NVIDIA H20", 78, 0, 9, 0, Map.of());
        assertThat(bundled().resolve(new HardwareTarget("NVIDIA H20", Optional.of(unknownMemory))).id())
                .isEqualTo("h20");
        assertThat(bundled().resolve(new HardwareTarget("NVIDIA H20", Optional.empty())).id()).isEqualTo("h20");
        DeviceInfo odd = new DeviceInfo(0, "NVIDIA H20", 78, 48_000L << 20, 9, 0, Map.of());
        HardwareCatalog.Match neither = bundled().match(new HardwareTarget(odd.name(), Optional.of(odd)));
        assertThat(neither.profile().id()).isEqualTo("h20");
        assertThat(neither.warning()).contains("46.9 GiB").contains("h20 (NVIDIA H20) 96 GiB");
        // the 141 GB part's own name with the 96 GB part's memory is the 141 GB profile, with the warning
        DeviceInfo named = new DeviceInfo(0, "NVIDIA H20-3e", 78, 97_285L << 20, 9, 0, Map.of());
        HardwareCatalog.Match n = bundled().match(new HardwareTarget(named.name(), Optional.of(named)));
        assertThat(n.profile().id()).isEqualTo("h20-3e");
        assertThat(n.warning()).contains("h20-3e");
    }

    /**
     * Blackwell Ultra: the HGX module and the Grace superchip's GPU are told apart by name and SM count; a near
     * miss of the recorded name warns; the DGX Station's GB300 (less memory) runs as gb300 with the memory
     * warning; a B300 name with the full die's 160 SMs is an error asking for a profile.
     */
    @Test
    void blackwellUltraNamesResolveAndNearMissesWarn() {
        DeviceInfo noAc = new DeviceInfo(0, "NVIDIA B300 SXM6", 148, 275_040L << 20, 10, 0, Map.of());
        HardwareCatalog.Match m = bundled().match(new HardwareTarget(noAc.name(), Optional.of(noAc)));
        assertThat(m.profile().id()).isEqualTo("b300");
        assertThat(m.warning()).contains("'NVIDIA B300 SXM6'").contains("b300");
        DeviceInfo station = new DeviceInfo(0, "NVIDIA GB300", 152, 256_703L << 20, 10, 0, Map.of());
        HardwareCatalog.Match s = bundled().match(new HardwareTarget(station.name(), Optional.of(station)));
        assertThat(s.profile().id()).isEqualTo("gb300");
        assertThat(s.warning()).contains("250.7 GiB").contains("gb300");
        DeviceInfo full = new DeviceInfo(0, "NVIDIA B300", 160, 275_040L << 20, 10, 0, Map.of());
        assertThatThrownBy(() -> bundled().resolve(new HardwareTarget(full.name(), Optional.of(full))))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.getMessage())
                        .contains("160 SMs").contains("b300").contains("--hardware"));
        assertThat(bundled().resolve(new HardwareTarget("B200", Optional.empty())).id()).isEqualTo("b200");
        assertThat(bundled().resolve(new HardwareTarget("GB200", Optional.empty())).id()).isEqualTo("gb200");
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
