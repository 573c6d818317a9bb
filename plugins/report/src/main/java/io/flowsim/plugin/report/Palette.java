package io.flowsim.plugin.report;

import io.flowsim.api.model.OperationFamily;

/** One colour per operation family, the same in every chart. */
final class Palette {

    private static final String[] FAMILY = {
        "#4e79a7", // gemm
        "#a0cbe8", // bmm
        "#f28e2b", // attention
        "#ffbe7d", // moe
        "#59a14f", // norm
        "#8cd17d", // elementwise
        "#b6992d", // reduction
        "#499894", // copy
        "#86bcb6", // memset
        "#e15759", // collective
        "#b07aa1", // sampling
        "#9d7660", // other
    };

    private Palette() {
    }

    /** The colour of a family. */
    static String of(OperationFamily family) {
        return FAMILY[family.ordinal() % FAMILY.length];
    }

    /** The colour of a family given by id; unknown ids get the colour of {@code other}. */
    static String of(String familyId) {
        try {
            return of(OperationFamily.fromId(familyId));
        } catch (IllegalArgumentException e) {
            return of(OperationFamily.OTHER);
        }
    }
}
