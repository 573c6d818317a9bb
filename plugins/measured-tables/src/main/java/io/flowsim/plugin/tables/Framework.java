package io.flowsim.plugin.tables;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The serving framework whose code an aiconfigurator row timed: it decides which kernels the row ran (the same GEMM
 * shape is sgl-kernel's, TensorRT-LLM's or vLLM's kernels), so rows are mapped per framework. A row names it in its
 * {@code framework} column ({@code SGLang}, {@code TRTLLM}, {@code VLLM} / {@code vLLM}); a table without the column
 * takes it from its {@code <op>/<framework>/<version>/} folder, and a table with neither (a hand-made one) is read
 * as sglang's, as before frameworks were told apart.
 */
enum Framework {
    SGLANG("sglang"),
    TRTLLM("trtllm"),
    VLLM("vllm"),
    /** A framework named in the table that FlowSim has no kernel mapping for. */
    OTHER("other");

    private final String id;

    Framework(String id) {
        this.id = id;
    }

    /** The lower-case name ({@code sglang}, {@code trtllm}, {@code vllm}). */
    String id() {
        return id;
    }

    /** The framework a name stands for; {@link #OTHER} for a name FlowSim does not know. */
    static Framework of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        return switch (n) {
            case "sglang" -> SGLANG;
            case "trtllm", "tensorrtllm" -> TRTLLM;
            case "vllm" -> VLLM;
            default -> OTHER;
        };
    }

    /**
     * The framework the table's folder names where aiconfigurator's layout puts it: the folder above the version
     * ({@code .../gemm/vllm/0.24.0/gemm_perf.csv.gz}), or the table's own folder ({@code .../gemm/vllm/gemm_perf.csv});
     * empty otherwise. Folders further up are not asked: a user's {@code ~/vllm/...} holding sglang tables says
     * nothing about them.
     */
    static Optional<Framework> fromPath(Path file) {
        Path dir = file.toAbsolutePath().normalize().getParent();
        for (int level = 0; level < 2 && dir != null && dir.getFileName() != null; level++, dir = dir.getParent()) {
            Framework f = of(dir.getFileName().toString());
            if (f != OTHER) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
