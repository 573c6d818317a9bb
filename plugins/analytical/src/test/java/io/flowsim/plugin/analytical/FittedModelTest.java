package io.flowsim.plugin.analytical;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model names {@code flowsim calibrate} groups by ({@link KernelModel.FittedModel}): every name of a
 * constant reaches that constant (no earlier prefix takes it), prefixes take their variants, and anything
 * else is {@code OTHER}, grouped by operands and family.
 */
class FittedModelTest {

    @Test
    void everyNameReachesItsOwnConstantWhateverComesBefore() {
        for (KernelModel.FittedModel m : KernelModel.FittedModel.values()) {
            for (String name : m.names()) {
                String model = name.endsWith("*") ? name.substring(0, name.length() - 1) + "-variant" : name;
                assertThat(KernelModel.FittedModel.of(model)).as(model).isEqualTo(m);
            }
        }
    }

    @Test
    void prefixesTakeVariantsAndExactNamesOnlyThemselves() {
        assertThat(KernelModel.FittedModel.of("attention-prefill-fa3")).isEqualTo(KernelModel.FittedModel.ATTENTION_PREFILL);
        assertThat(KernelModel.FittedModel.of("attention-prefill-triton"))
                .isEqualTo(KernelModel.FittedModel.ATTENTION_PREFILL_TRITON);
        assertThat(KernelModel.FittedModel.of("attention-decode-cudnn"))
                .isEqualTo(KernelModel.FittedModel.ATTENTION_DECODE_CONTIGUOUS);
        assertThat(KernelModel.FittedModel.of("moe-gemm")).isEqualTo(KernelModel.FittedModel.MOE);
        assertThat(KernelModel.FittedModel.of("moe-layer-fused")).isEqualTo(KernelModel.FittedModel.OTHER);
        assertThat(KernelModel.FittedModel.of("collective-x")).isEqualTo(KernelModel.FittedModel.OTHER);
        assertThat(KernelModel.FittedModel.of("gemm")).isEqualTo(KernelModel.FittedModel.OTHER);
        assertThat(KernelModel.FittedModel.of("")).isEqualTo(KernelModel.FittedModel.OTHER);
    }
}
