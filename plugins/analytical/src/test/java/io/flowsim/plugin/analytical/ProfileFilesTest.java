package io.flowsim.plugin.analytical;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.testkit.NamedPipes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileFilesTest {

    private static final String VALID = """
            {"id": "test-gpu", "name": "Test GPU", "sm_count": 100, "peak_tflops": {"bf16": 500},
             "hbm_bandwidth_gbps": 2000}""";

    @Test
    void bundledProfilesAreCompleteAndCiteTheirSources() {
        assertThat(Profiles.all()).extracting(HardwareProfile::id)
                .containsExactly("a100-sxm-80gb", "a100-sxm4-40gb", "a100-pcie-40gb", "a100-pcie-80gb", "h100-sxm",
                        "h200-sxm", "h100-pcie", "h100-nvl", "b200", "l40s", "h800-sxm", "h20", "gb200", "l4", "a10",
                        "a40", "v100-sxm2-16gb", "v100-sxm2-32gb", "v100-pcie-16gb", "v100-pcie-32gb", "t4", "b300",
                        "gb300", "a30", "h20-3e");
        for (ProfileFiles.Loaded l : ProfileFiles.readBundled()) {
            HardwareProfile p = l.profile();
            assertThat(p.smCount()).as(p.id()).isPositive();
            assertThat(p.tensor16Flops()).as(p.id()).isPresent();
            assertThat(p.peakFlops("fp16")).as(p.id()).isPresent();
            assertThat(p.memoryGib()).as(p.id()).isPositive();
            assertThat(p.hbmBandwidthGbps()).as(p.id()).isPositive();
            assertThat(p.l2CacheMib()).as(p.id()).isPositive();
            if (!p.interconnect().equals(HardwareProfile.PCIE)) {
                assertThat(p.nvlinkBandwidthGbps()).as(p.id()).isPositive();
            }
            for (String field : new String[] {"peak_tflops", "hbm_bandwidth_gbps", "sm_count", "nvlink_bandwidth_gbps",
                "l2_cache_mib", "efficiency_from"}) {
                if (field.equals("efficiency_from") && !l.document().has("efficiency_from")) {
                    continue;
                }
                assertThat(l.document().path("sources").path(field).asText()).as(p.id() + " source of " + field)
                        .isNotBlank();
            }
            if (p.dramLatencyNs() > 0) {
                assertThat(l.document().path("sources").path("dram_latency_ns").asText()).as(p.id()
                        + " source of dram_latency_ns").isNotBlank();
            }
            for (Param q : Param.values()) {
                assertThat(p.get(q)).as(p.id() + " " + q.qualifiedName()).isBetween(q.lower(), q.upper());
            }
        }
    }

    /**
     * A {@code bf16} peak stands for FP16 too (every GPU with BF16 tensor cores multiplies FP16 at that rate); an
     * {@code fp16} peak alone is a GPU without BF16 units, whose bf16 kernels have no rate to be priced at.
     */
    @Test
    void anFp16PeakAloneMeansNoBf16Units(@TempDir Path dir) throws IOException {
        HardwareProfile both = ProfileFiles.read(write(dir, VALID), id -> null).profile();
        assertThat(both.peakFlops("fp16")).hasValue(500e12);
        assertThat(both.peakFlops(HardwareProfile.precisionOf(io.flowsim.api.model.DataType.FP16))).hasValue(500e12);
        Path volta = dir.resolve("volta.json");
        Files.writeString(volta, """
                {"id": "volta-like", "name": "Volta-like", "sm_count": 80, "peak_tflops": {"fp32": 15.7, "fp16": 125},
                 "hbm_bandwidth_gbps": 900}""");
        HardwareProfile fp16Only = ProfileFiles.read(volta, id -> null).profile();
        assertThat(fp16Only.peakFlops("fp16")).hasValue(125e12);
        assertThat(fp16Only.peakFlops("bf16")).isEmpty();
        assertThat(fp16Only.peakFlops(HardwareProfile.precisionOf(io.flowsim.api.model.DataType.BF16))).isEmpty();
        assertThat(fp16Only.tensor16Flops()).hasValue(125e12);
        assertThat(Profiles.bundled("v100-sxm2-16gb").peakFlops("bf16")).isEmpty();
        assertThat(Profiles.bundled("t4").peakFlops("bf16")).isEmpty();
        assertThat(Profiles.bundled("t4").peakFlops("tf32")).isEmpty();
        assertThat(Profiles.bundled("t4").peakFlops("fp8")).isEmpty();
        assertThat(Profiles.bundled("v100-pcie-32gb").peakFlops("int8")).isEmpty();
    }

    @Test
    void aMinimalProfileGetsFallbackParameters(@TempDir Path dir) throws IOException {
        Path f = write(dir, VALID);
        HardwareProfile p = ProfileFiles.read(f, id -> null).profile();
        assertThat(p.id()).isEqualTo("test-gpu");
        assertThat(p.get(Param.GEMM_COMPUTE_EFFICIENCY)).isEqualTo(Param.GEMM_COMPUTE_EFFICIENCY.fallback());
        assertThat(p.gemmTiles()).isNotEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1, \"color\": \"red\"} | unknown field 'color'",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": \"many\", \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1} | field 'sm_count'",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 10.5, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1} | field 'sm_count' must be a positive integer",
        "{\"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1} | missing field 'id'",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf17\": 1}, \"hbm_bandwidth_gbps\": 1} | field 'peak_tflops.bf17': unknown precision",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}} | missing field 'hbm_bandwidth_gbps'",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1, \"efficiency\": {\"gemm\": {\"compute_efficiency\": 1.3}}} | field 'efficiency.gemm.compute_efficiency' = 1.3 is outside its physical range",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1, \"efficiency\": {\"gemm\": {\"speed\": 2}}} | field 'efficiency.gemm.speed': unknown parameter",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1, \"efficiency\": {\"warp\": {}}} | field 'efficiency.warp': unknown section",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1, \"efficiency_from\": \"v100\"} | field 'efficiency_from' names 'v100'",
        "{\"id\": \"X Y\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1} | field 'id' must be lower-case",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1, \"gemm_tiles\": [[128]]} | field 'gemm_tiles'",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1, \"dram_latency_ns\": -5} | field 'dram_latency_ns' must be a number >= 0",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1e308} | field 'hbm_bandwidth_gbps' must be at most 10000000",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1e308}, \"hbm_bandwidth_gbps\": 1} | field 'peak_tflops.bf16' must be at most 10000000",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1, \"nvlink_bandwidth_gbps\": 1e308} | field 'nvlink_bandwidth_gbps' must be at most 10000000",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1, \"dram_latency_ns\": 1e308} | field 'dram_latency_ns' must be at most 10000000",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1, \"host_link_shared_by\": 1e15} | field 'host_link_shared_by' must be at most 10000000",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 132, \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1}, \"hbm_bandwidth_gbps\": 1} | duplicate field 'sm_count'",
        "{\"id\": \"x\", \"name\": \"X\", \"sm_count\": 1, \"peak_tflops\": {\"bf16\": 1, \"bf16\": 2}, \"hbm_bandwidth_gbps\": 1} | duplicate field 'bf16'",
        "[1, 2] | the profile must be a JSON object",
        "{\"id\": \"x\", | is not valid JSON"})
    void invalidProfilesNameTheFileAndTheField(String json, String expected, @TempDir Path dir) throws IOException {
        Path f = write(dir, json);
        assertThatThrownBy(() -> ProfileFiles.read(f, id -> null))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                    assertThat(e.getMessage()).contains(f.toString()).contains(expected.trim());
                });
    }

    @Test
    void aMissingFileIsBadInput(@TempDir Path dir) {
        Path f = dir.resolve("absent.json");
        assertThatThrownBy(() -> ProfileFiles.read(f, id -> null))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                    assertThat(e.getMessage()).contains("not found").contains(f.toString());
                });
    }

    /** {@code --hardware PIPE}: refused at once; reading a named pipe nobody writes to never returns. */
    @Test
    void aNamedPipeIsRefusedNotWaitedOn(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("profile.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(NamedPipes.make(fifo), "no mkfifo here");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> assertThatThrownBy(
                () -> ProfileFiles.read(fifo, id -> null))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                    assertThat(e.getMessage()).contains(fifo + " is not a regular file (a pipe or a device)");
                }));
    }

    /** {@code --hardware /tmp}: a directory is named as one, not called missing. */
    @Test
    void aDirectoryIsBadInputSayingItIsADirectory(@TempDir Path dir) {
        assertThatThrownBy(() -> ProfileFiles.read(dir, id -> null))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("not found")
                            .contains(dir + " is a directory, not a profile file");
                });
    }

    @Test
    void writtenProfilesReadBackWithTheSameParameters(@TempDir Path dir) {
        ProfileFiles.Loaded h100 = ProfileFiles.readBundled().stream()
                .filter(l -> l.profile().id().equals("h100-sxm")).findFirst().orElseThrow();
        double[] values = h100.profile().parameters();
        values[Param.GEMM_COMPUTE_EFFICIENCY.ordinal()] = 0.61;
        Path out = dir.resolve("sub/fitted.json");
        var doc = h100.document().deepCopy();
        doc.remove("efficiency_from");
        doc.set("efficiency", ProfileFiles.efficiencyNode(values));
        ProfileFiles.write(doc, out);
        HardwareProfile back = ProfileFiles.read(out, id -> null).profile();
        assertThat(back.get(Param.GEMM_COMPUTE_EFFICIENCY)).isEqualTo(0.61);
        assertThat(back.id()).isEqualTo("h100-sxm");
        assertThat(dir.resolve("sub")).isDirectoryContaining(p -> p.getFileName().toString().equals("fitted.json"));
        assertThat(dir.resolve("sub").toFile().list()).containsExactly("fitted.json");
    }

    private static Path write(Path dir, String json) throws IOException {
        Path f = dir.resolve("profile.json");
        Files.writeString(f, json);
        return f;
    }
}
