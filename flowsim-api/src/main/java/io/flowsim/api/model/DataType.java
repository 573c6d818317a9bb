package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A normalized element type. Traces spell types many ways ({@code c10::BFloat16},
 * {@code torch.bfloat16}, {@code bfloat16}, {@code BFloat16}); {@link #fromName(String)} maps all of
 * them to one constant, and {@link #id()} is the short name FlowSim writes ({@code bf16}).
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum DataType {
    FP64("fp64", 64),
    FP32("fp32", 32),
    TF32("tf32", 32),
    FP16("fp16", 16),
    BF16("bf16", 16),
    FP8_E4M3("fp8_e4m3", 8),
    FP8_E5M2("fp8_e5m2", 8),
    FP4_E2M1("fp4_e2m1", 4),
    INT64("int64", 64),
    INT32("int32", 32),
    INT16("int16", 16),
    INT8("int8", 8),
    UINT8("uint8", 8),
    BOOL("bool", 8),
    COMPLEX64("complex64", 64),
    /** Not a tensor element type ({@code Scalar}, {@code TensorList}, empty) or not recognized. */
    UNKNOWN("unknown", 0);

    private static final Map<String, DataType> ALIASES = Map.ofEntries(
            Map.entry("double", FP64), Map.entry("float64", FP64), Map.entry("fp64", FP64),
            Map.entry("float", FP32), Map.entry("float32", FP32), Map.entry("fp32", FP32),
            Map.entry("tf32", TF32),
            Map.entry("half", FP16), Map.entry("float16", FP16), Map.entry("fp16", FP16),
            Map.entry("bfloat16", BF16), Map.entry("bf16", BF16),
            Map.entry("float8_e4m3fn", FP8_E4M3), Map.entry("float8_e4m3fnuz", FP8_E4M3),
            Map.entry("float8_e4m3", FP8_E4M3), Map.entry("fp8_e4m3", FP8_E4M3), Map.entry("fp8", FP8_E4M3),
            Map.entry("e4m3", FP8_E4M3),
            Map.entry("float8_e5m2", FP8_E5M2), Map.entry("float8_e5m2fnuz", FP8_E5M2),
            Map.entry("fp8_e5m2", FP8_E5M2), Map.entry("e5m2", FP8_E5M2),
            Map.entry("float4_e2m1fn_x2", FP4_E2M1), Map.entry("fp4", FP4_E2M1), Map.entry("nvfp4", FP4_E2M1),
            Map.entry("long int", INT64), Map.entry("long", INT64), Map.entry("int64", INT64),
            Map.entry("long long", INT64), Map.entry("int64_t", INT64),
            Map.entry("int", INT32), Map.entry("int32", INT32), Map.entry("int32_t", INT32),
            Map.entry("short int", INT16), Map.entry("short", INT16), Map.entry("int16", INT16),
            Map.entry("signed char", INT8), Map.entry("char", INT8), Map.entry("int8", INT8),
            Map.entry("unsigned char", UINT8), Map.entry("uint8", UINT8), Map.entry("byte", UINT8),
            Map.entry("bool", BOOL),
            Map.entry("complex<float>", COMPLEX64), Map.entry("complexfloat", COMPLEX64),
            Map.entry("complex64", COMPLEX64));

    private final String id;
    private final int bits;

    DataType(String id, int bits) {
        this.id = id;
        this.bits = bits;
    }

    /** The short name FlowSim writes: {@code bf16}, {@code fp32}, {@code int64}, ... */
    public String id() {
        return id;
    }

    /** Bits per element; 0 for {@link #UNKNOWN}. */
    public int bits() {
        return bits;
    }

    /** Bytes per element (0.5 for 4-bit types); 0 for {@link #UNKNOWN}. */
    public double bytes() {
        return bits / 8.0;
    }

    /** Whether this is a floating-point type. */
    public boolean isFloatingPoint() {
        return switch (this) {
            case FP64, FP32, TF32, FP16, BF16, FP8_E4M3, FP8_E5M2, FP4_E2M1 -> true;
            default -> false;
        };
    }

    /**
     * Normalizes a type name from any PyTorch era or tool: {@code c10::BFloat16},
     * {@code torch.bfloat16}, {@code bfloat16}, {@code BFloat16} and {@code bf16} all give
     * {@link #BF16}; {@code long int} gives {@link #INT64}; {@code Scalar}, {@code TensorList}, empty
     * and unrecognized names give {@link #UNKNOWN}. Never throws for a non-null argument.
     */
    public static DataType fromName(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("c10::")) {
            n = n.substring(5);
        } else if (n.startsWith("torch.")) {
            n = n.substring(6);
        } else if (n.startsWith("at::")) {
            n = n.substring(4);
        }
        DataType t = ALIASES.get(n);
        return t == null ? UNKNOWN : t;
    }

    /** The constant whose {@link #id()} is {@code id}, case-insensitively. */
    public static DataType fromId(String id) {
        for (DataType t : values()) {
            if (t.id.equalsIgnoreCase(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown data type id '" + id + "'");
    }
}
