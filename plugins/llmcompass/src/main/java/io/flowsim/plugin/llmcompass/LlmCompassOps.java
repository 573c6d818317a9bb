package io.flowsim.plugin.llmcompass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Maps our requests to LLMCompass operations, or says why LLMCompass cannot simulate them, without
 * asking the server. Follows {@code docs/operand-conventions.md} on our side and the server's
 * per-op rules on the other: matmul/bmm take {@code [A, B]} and a dtype list; softmax/layernorm
 * take one flat shape and one dtype string; only types containing {@code fp16}/{@code float16}
 * pass its dtype check (bf16 is sent as {@code bfloat16}, which it simulates as fp16).
 *
 * <p>Shapes are normalized to what the server computes with, so that requests that differ only in
 * how dimensions are grouped share one task: matmul sends {@code [[M, K], [K, N]]} with A's leading
 * dimensions folded into M (the server does the same), bmm sends {@code [[b, M, K], [b, K, N]]}, and
 * softmax/layernorm send {@code [rows, last dimension]} (the server's M and N).
 */
final class LlmCompassOps {

    /** What to do with one request. */
    sealed interface Mapping permits Simulate, Skip {
    }

    /**
     * Send this to the server.
     *
     * @param op       the LLMCompass op
     * @param inputDim its {@code input_dim}
     * @param dtype    its {@code dtype}
     * @param caveats  approximations a user should know about (empty if none)
     */
    record Simulate(String op, JsonNode inputDim, JsonNode dtype, List<String> caveats) implements Mapping {
        Simulate {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(inputDim, "inputDim");
            Objects.requireNonNull(dtype, "dtype");
            caveats = List.copyOf(caveats);
        }
    }

    /**
     * LLMCompass cannot simulate this request.
     *
     * @param reason why, in one sentence
     */
    record Skip(String reason) implements Mapping {
        Skip {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static final String BF16_CAVEAT = "bf16 simulated as fp16 (LLMCompass has one 16-bit type)";
    static final String NORM_CAVEAT = "simulated with LLMCompass' LayerNorm model (-O "
            + LlmCompassSettings.NORM_AS_LAYERNORM.key() + "=true)";

    private final boolean normAsLayerNorm;

    LlmCompassOps(boolean normAsLayerNorm) {
        this.normAsLayerNorm = normAsLayerNorm;
    }

    /** Maps one request. Never throws for a valid request. */
    Mapping map(SimulationRequest request) {
        if (request.kind() != KernelKind.KERNEL) {
            return new Skip("LLMCompass does not simulate " + request.kind().name().toLowerCase(Locale.ROOT)
                    + " operations");
        }
        OperationFamily family = request.family();
        String text = (request.opMapping() + " " + request.kernelName()).toLowerCase(Locale.ROOT);
        return switch (family) {
            case GEMM, BMM -> gemm(request);
            case NORM -> norm(request, text);
            case REDUCTION, ELEMENTWISE, OTHER -> {
                if (text.contains("softmax")) {
                    yield flat(request, "softmax", List.of());
                }
                if (text.contains("gelu")) {
                    yield new Skip("LLMCompass' gelu always fails on the server (NameError: name 'GeLu' is"
                            + " not defined), so it is not submitted");
                }
                yield new Skip("LLMCompass simulates matmul, bmm, softmax and layernorm only, not this "
                        + family.id() + " kernel (" + describe(request) + ")");
            }
            case ATTENTION -> new Skip("LLMCompass' HTTP backend has no attention simulator");
            case COLLECTIVE -> new Skip("LLMCompass' HTTP backend does not simulate collectives");
            default -> new Skip("LLMCompass simulates matmul, bmm, softmax and layernorm only, not this "
                    + family.id() + " kernel (" + describe(request) + ")");
        };
    }

    private Mapping gemm(SimulationRequest request) {
        if ("split-k-reduce".equals(request.attributes().get(Attributes.GEMM_ROLE.name()))) {
            return new Skip("split-K reduction kernel: LLMCompass models whole GEMMs, not their reduction step");
        }
        Optional<Operand> a = request.operand("A");
        Optional<Operand> b = request.operand("B");
        if (a.isEmpty() || b.isEmpty() || a.get().shape().isEmpty() || b.get().shape().isEmpty()) {
            return new Skip("no shapes: the resolver gave no A and B operands for this GEMM");
        }
        List<Long> sa = a.get().shape();
        List<Long> sb = b.get().shape();
        Optional<String> typeProblem = sixteenBit("A", a.get()).or(() -> sixteenBit("B", b.get()));
        if (typeProblem.isPresent()) {
            return new Skip(typeProblem.get());
        }
        if (sa.size() < 2 || sb.size() < 2) {
            return new Skip("A " + sa + " and B " + sb + " are not matrices (a GEMM needs at least 2 dimensions)");
        }
        if (sa.contains(0L) || sb.contains(0L)) {
            return new Skip("empty GEMM: A " + sa + ", B " + sb);
        }
        long m = sa.get(sa.size() - 2);
        long k = sa.get(sa.size() - 1);
        long kb = sb.get(sb.size() - 2);
        long n = sb.get(sb.size() - 1);
        if (k != kb) {
            return new Skip("inconsistent shapes: A " + sa + " and B " + sb + " disagree on K");
        }
        long batchA;
        long batchB;
        try {
            batchA = product(sa.subList(0, sa.size() - 2));
            batchB = product(sb.subList(0, sb.size() - 2));
        } catch (ArithmeticException e) {
            return new Skip("shape too large: A " + sa + ", B " + sb);
        }
        JsonNode dtype = Json.MAPPER.createArrayNode().add(typeName(a.get().dataType()))
                .add(typeName(b.get().dataType()));
        List<String> caveats = bf16Caveat(a.get(), b.get());
        if (batchB == 1) {
            long rows;
            try {
                rows = Math.multiplyExact(batchA, m);
            } catch (ArithmeticException e) {
                return new Skip("shape too large: A " + sa);
            }
            return new Simulate("matmul", dims(List.of(rows, k), List.of(k, n)), dtype, caveats);
        }
        if (batchA != batchB) {
            return new Skip("batch dimensions of A " + sa + " and B " + sb + " differ");
        }
        return new Simulate("bmm", dims(List.of(batchA, m, k), List.of(batchB, k, n)), dtype, caveats);
    }

    private Mapping norm(SimulationRequest request, String text) {
        boolean layerNorm = (text.contains("layer_norm") || text.contains("layernorm") || text.contains("layer norm"))
                && !text.contains("rms");
        if (layerNorm) {
            return flat(request, "layernorm", List.of());
        }
        if (normAsLayerNorm) {
            return flat(request, "layernorm", List.of(NORM_CAVEAT));
        }
        String what = text.contains("rms") ? "RMSNorm" : "this normalization";
        return new Skip("LLMCompass models LayerNorm only, not " + what + " (" + describe(request)
                + "); -O " + LlmCompassSettings.NORM_AS_LAYERNORM.key() + "=true approximates it with LayerNorm");
    }

    private static Mapping flat(SimulationRequest request, String op, List<String> caveats) {
        Optional<Operand> input = request.operand("input");
        if (input.isEmpty() || input.get().shape().isEmpty()) {
            return new Skip("no shapes: the resolver gave no input operand for this " + op + " kernel");
        }
        Optional<String> typeProblem = sixteenBit("input", input.get());
        if (typeProblem.isPresent()) {
            return new Skip(typeProblem.get());
        }
        List<Long> shape = input.get().shape();
        if (shape.contains(0L)) {
            return new Skip("empty input " + shape);
        }
        long rows;
        try {
            rows = product(shape.subList(0, shape.size() - 1));
        } catch (ArithmeticException e) {
            return new Skip("shape too large: " + shape);
        }
        List<String> all = new ArrayList<>(caveats);
        all.addAll(bf16Caveat(input.get()));
        ArrayNode dims = Json.MAPPER.createArrayNode().add(rows).add(shape.get(shape.size() - 1));
        return new Simulate(op, dims, TextNode.valueOf(typeName(input.get().dataType())), all);
    }

    /** Empty if the operand is fp16 or bf16; else the reason it cannot be simulated. */
    private static Optional<String> sixteenBit(String role, Operand operand) {
        DataType t = operand.dataType();
        if (t == DataType.FP16 || t == DataType.BF16) {
            return Optional.empty();
        }
        return Optional.of("LLMCompass simulates fp16 (and bf16 as fp16) only; " + role + " is "
                + (t == DataType.UNKNOWN ? "of unknown type" : t.id()));
    }

    /** The dtype string sent: the server accepts names containing "fp16" or "float16". */
    static String typeName(DataType type) {
        return type == DataType.BF16 ? "bfloat16" : "fp16";
    }

    private static List<String> bf16Caveat(Operand... operands) {
        for (Operand o : operands) {
            if (o.dataType() == DataType.BF16) {
                return List.of(BF16_CAVEAT);
            }
        }
        return List.of();
    }

    private static ArrayNode dims(List<Long> a, List<Long> b) {
        ArrayNode dims = Json.MAPPER.createArrayNode();
        ArrayNode first = dims.addArray();
        a.forEach(first::add);
        ArrayNode second = dims.addArray();
        b.forEach(second::add);
        return dims;
    }

    private static long product(List<Long> dims) {
        long p = 1;
        for (long d : dims) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    /** The operation, or a shortened kernel name (C++ template names run to hundreds of characters). */
    private static String describe(SimulationRequest request) {
        String text = request.opMapping().isBlank() ? request.kernelName() : request.opMapping();
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
