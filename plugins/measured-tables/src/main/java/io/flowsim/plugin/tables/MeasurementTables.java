package io.flowsim.plugin.tables;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.MeasuredTable;
import io.flowsim.api.model.Measurement;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import static io.flowsim.plugin.tables.KernelRequests.attributes;
import static io.flowsim.plugin.tables.KernelRequests.in;
import static io.flowsim.plugin.tables.KernelRequests.inOut;
import static io.flowsim.plugin.tables.KernelRequests.kernel;
import static io.flowsim.plugin.tables.KernelRequests.out;

/**
 * Reads measured kernel-latency tables (aiconfigurator and vidur formats; plain or gzip CSV) into
 * {@link Measurement}s: each row becomes the list of kernels it timed (an FP8 GEMM row also runs the
 * activation quantization (two kernels for a per-tensor scale), an attention row also writes the KV cache, a MoE row runs routing
 * bookkeeping, two expert GEMM passes, the activation and the final sum), described by the operand
 * conventions. Rows a simulator cannot be asked about are counted by reason, never dropped silently.
 */
final class MeasurementTables {

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setAllowMissingColumnNames(true)
            .setIgnoreSurroundingSpaces(true)
            .get();
    private static final long MIB = 1L << 20;
    /** sglang's custom all-reduce hands messages above this size to NCCL (its default max_size). */
    static final long CUSTOM_ALLREDUCE_MAX_BYTES = 8 * MIB;

    private MeasurementTables() {
    }

    /** Whether a file name looks like a table ({@code *.csv}, {@code *.csv.gz}). */
    static boolean looksLikeTable(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".csv.gz");
    }

    /**
     * Reads a table.
     *
     * @param gpu the GPU to attribute it to; empty reads it from the table's {@code device} column or path
     * @throws FlowsimException {@link io.flowsim.api.ErrorCode#BAD_INPUT} for a missing, unreadable or
     *                          unknown table; {@link io.flowsim.api.ErrorCode#USAGE} when the GPU cannot be
     *                          told and none is given
     */
    static MeasuredTable read(Path file, Optional<String> gpu) {
        try (InputStream raw = open(file);
             Reader reader = new InputStreamReader(raw, StandardCharsets.UTF_8);
             CSVParser parser = CSV.parse(reader)) {
            Set<String> header = new LinkedHashSet<>(parser.getHeaderNames());
            TableFormat format = TableFormat.detect(header);
            if (format == null) {
                String kind = aiconfiguratorKind(file);
                if (kind != null) {
                    throw FlowsimException.badInput(file + ": aiconfigurator table kind '" + kind + "' is not one"
                            + " FlowSim reads; it reads " + String.join(", ", knownKinds()) + " (docs/simulator.md)");
                }
                throw FlowsimException.badInput(file + ": unknown table format (header: "
                        + String.join(",", header) + "); FlowSim reads the aiconfigurator gemm, attention, mla,"
                        + " mla_bmm, moe, nccl and custom_allreduce tables and vidur mlp, all_reduce and send_recv"
                        + " tables (docs/simulator.md)");
            }
            String kind = aiconfiguratorKind(file);
            if (kind != null && !format.kinds().contains(kind)) {
                throw FlowsimException.badInput(file + ": aiconfigurator table kind '" + kind + "' is not one FlowSim"
                        + " reads (its rows may share the columns of the " + format.label() + " table but time other"
                        + " kernels); FlowSim reads " + String.join(", ", knownKinds()) + " (docs/simulator.md)");
            }
            Optional<String> fromPath = gpuFromPath(file);
            Framework folderFramework = Framework.fromPath(file).orElse(Framework.SGLANG);
            Rows rows = new Rows(file, format);
            String device = gpu.orElse(null);
            for (CSVRecord record : parser) {
                rows.count++;
                String column = header.contains("device") ? record.get("device").trim() : "";
                if (!column.isEmpty() && device == null) {
                    device = column;
                }
                // the GPU the kernels are simulated on: --gpu, else this row's device column, else the path
                rows.target = gpu.orElse(!column.isEmpty() ? column : fromPath.orElse(""));
                String named = header.contains("framework") ? record.get("framework").trim() : "";
                rows.framework = named.isEmpty() ? folderFramework : Framework.of(named);
                rows.frameworkName = named.isEmpty() ? folderFramework.id() : named;
                try {
                    rows.map(record);
                } catch (IllegalArgumentException e) {
                    throw FlowsimException.badInput(file + ", line " + (record.getRecordNumber() + 1)
                            + ": " + e.getMessage(), e);
                }
            }
            if (device == null) {
                long count = rows.count;
                device = fromPath.orElseThrow(() -> FlowsimException.usage("cannot tell which GPU " + file
                        + " was measured on (no device column, no GPU in its path), so its " + count
                        + (count == 1 ? " row is" : " rows are") + " not used; name its GPU with --gpu NAME (which"
                        + " applies to every table of the run: give this table alone if the others were measured"
                        + " on other GPUs)"));
            }
            return new MeasuredTable(file, format.label(), device, rows.count, rows.measurements, rows.skipped);
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot read table " + file + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw FlowsimException.badInput("cannot read table " + file + ": " + e.getCause().getMessage(), e);
        }
    }

    /**
     * The aiconfigurator table kind a file name gives ({@code gemm_perf} for {@code gemm_perf.csv.gz}), or null when
     * the name is not an aiconfigurator one ({@code <kind>_perf.csv[.gz]}).
     */
    static String aiconfiguratorKind(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String stem = n.endsWith(".csv.gz") ? n.substring(0, n.length() - 7)
                : n.endsWith(".csv") ? n.substring(0, n.length() - 4) : n;
        return stem.endsWith("_perf") ? stem : null;
    }

    /** Every aiconfigurator table kind a format reads. */
    static List<String> knownKinds() {
        List<String> kinds = new ArrayList<>();
        for (TableFormat f : TableFormat.values()) {
            kinds.addAll(f.kinds());
        }
        return kinds;
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw FlowsimException.badInput("table not found: " + file);
        }
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        return in;
    }

    /**
     * The GPU a folder name of a measurement collection stands for, as the analytical backend's profiles name
     * it: aiconfigurator's system folders ({@code h100_sxm}, {@code a100_pcie}, {@code gb200}, ...) and vidur's
     * ({@code a100}, {@code a100_dgx}), matched as the whole name or its part before {@code _} or {@code -}.
     * Longer keys come first ({@code a100_pcie} before {@code a100}). The PCIe folders name the PCIe cards
     * (aiconfigurator's {@code a100_pcie} system is the 80 GB card); the 141 GB H20's folders ({@code h20e},
     * {@code h20_3e}) name it {@code H20E}, not the 96 GB {@code H20}. The names are the analytical profiles' ids or
     * aliases ({@code B300}, {@code GB300}, {@code A30}, {@code H20E} since the thirteenth session); a backend without
     * a profile for one refuses it in one line naming the GPU. Two systems have no analytical profile and are named
     * as the GPU's own name: {@code rtx_pro_6000_server} (NVIDIA RTX PRO 6000 Blackwell Server Edition) and
     * {@code b60} (Intel Arc Pro B60).
     */
    private static final Map<String, String> GPU_OF_FOLDER = folderGpus();

    private static Map<String, String> folderGpus() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("a100_pcie", "A100 80GB PCIe");
        m.put("h100_pcie", "H100 PCIe");
        m.put("h20e", "H20E");
        m.put("h20_3e", "H20E");
        // aiconfigurator's systems of GPUs without an analytical profile: named as their device column names them,
        // so that a backend refuses them naming the GPU (and a backend with a model for them can price them)
        m.put("rtx_pro_6000_server", "NVIDIA RTX PRO 6000 Blackwell Server Edition");
        m.put("b60", "Intel Arc Pro B60");
        for (String gpu : new String[] {"gb200", "gb300", "b200", "b300", "h100", "h200", "h800", "h20", "a100",
                "a40", "a30", "a10", "l40s", "l4", "v100", "t4"}) {
            m.put(gpu, gpu.toUpperCase(Locale.ROOT));
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * The GPU a table's path names ({@code .../h100_sxm/gemm/...} -> {@code H100}, {@code .../a100_pcie/...}
     * -> {@code A100 80GB PCIe}): the folder nearest the file that {@link #GPU_OF_FOLDER} knows.
     */
    static Optional<String> gpuFromPath(Path file) {
        Path dir = file.toAbsolutePath().normalize().getParent();
        for (; dir != null && dir.getFileName() != null; dir = dir.getParent()) {
            String p = dir.getFileName().toString().toLowerCase(Locale.ROOT);
            for (Map.Entry<String, String> e : GPU_OF_FOLDER.entrySet()) {
                String key = e.getKey();
                if (p.equals(key) || p.startsWith(key + "_") || p.startsWith(key + "-")) {
                    return Optional.of(e.getValue());
                }
            }
        }
        return Optional.empty();
    }

    /** Turns rows of one table into measurements. */
    private static final class Rows {
        final Path file;
        final TableFormat format;
        final String name;
        /** The GPU the row's kernels are built for (the simulation target), as named. */
        String target = "";
        /** The framework whose kernels the row timed, and its name as the table gives it. */
        Framework framework = Framework.SGLANG;
        String frameworkName = "sglang";
        final List<Measurement> measurements = new ArrayList<>();
        final Map<String, Long> skipped = new TreeMap<>();
        long count;

        Rows(Path file, TableFormat format) {
            this.file = file;
            this.format = format;
            this.name = file.getFileName().toString();
        }

        void skip(String reason) {
            skipped.merge(reason, 1L, Long::sum);
        }

        /** Adds a row whose measured time is one kernel. */
        void add(CSVRecord r, String key, String group, double latencyMs, SimulationRequest kernel) {
            add(r, key, group, latencyMs, 0, kernel);
        }

        /** Adds a row whose measured time is several kernels; {@code subject} is the one it is about. */
        void add(CSVRecord r, String key, String group, double latencyMs, int subject, SimulationRequest... kernels) {
            if (!(latencyMs >= 0) || Double.isInfinite(latencyMs)) {
                skip("latency is not a non-negative number");
                return;
            }
            measurements.add(new Measurement(format.name().toLowerCase(Locale.ROOT) + "|" + key, group,
                    List.of(kernels), subject, Math.round(latencyMs * 1e6), name + ":" + (r.getRecordNumber() + 1)));
        }

        void map(CSVRecord r) {
            boolean frameworkKernels = format != TableFormat.AICONFIGURATOR_NCCL && format != TableFormat.VIDUR_MLP
                    && format != TableFormat.VIDUR_ALL_REDUCE && format != TableFormat.VIDUR_SEND_RECV;
            if (frameworkKernels && framework == Framework.OTHER) {
                skip("framework " + frameworkName + ": the reader knows which kernels the rows of sglang, trtllm and"
                        + " vllm tables time only");
                return;
            }
            switch (format) {
                case AICONFIGURATOR_GEMM -> gemm(r);
                case AICONFIGURATOR_ATTENTION -> attention(r);
                case AICONFIGURATOR_MLA -> mla(r);
                case AICONFIGURATOR_MLA_BMM -> mlaBmm(r);
                case AICONFIGURATOR_MOE -> moe(r);
                case AICONFIGURATOR_NCCL -> nccl(r);
                case AICONFIGURATOR_CUSTOM_ALLREDUCE -> customAllReduce(r);
                case VIDUR_MLP -> vidurMlp(r);
                case VIDUR_ALL_REDUCE, VIDUR_SEND_RECV -> vidurNetwork(r);
            }
        }

        void gemm(CSVRecord r) {
            String dtype = r.get("gemm_dtype").trim().toLowerCase(Locale.ROOT);
            long m = integer(r, "m");
            long n = integer(r, "n");
            long k = integer(r, "k");
            double latency = number(r, "latency");
            String key = dtype + "|" + m + "|" + n + "|" + k;
            if (framework != Framework.SGLANG) {
                frameworkGemm(r, dtype, m, n, k, latency);
                return;
            }
            switch (dtype) {
                case "bfloat16", "float16", "fp16", "bf16" -> {
                    DataType t = DataType.fromName(dtype);
                    add(r, key, "gemm " + t.id(), latency,
                            KernelRequests.gemm("gemm", m, n, k, t, t, Map.of()));
                }
                case "fp8" -> add(r, key, "gemm fp8 (+ quantization)", latency, 1,
                        KernelRequests.quantize("per_token_quant_fp8", m, k, 1),
                        KernelRequests.gemm("fp8_scaled_mm", m, n, k, DataType.FP8_E4M3, DataType.BF16,
                                attributes(Attributes.GEMM_SCALING.name(), "per-token"), in("scale_a", DataType.FP32, m, 1),
                                in("scale_b", DataType.FP32, n)));
                case "fp8_block" -> add(r, key, "gemm fp8_block (+ quantization)", latency, 1,
                        KernelRequests.quantize("per_token_group_quant_fp8", m, k, Math.max(1, k / 128)),
                        KernelRequests.gemm("gemm_nt_f8f8bf16", m, n, k, DataType.FP8_E4M3, DataType.BF16,
                                attributes(Attributes.GEMM_SCALING.name(), "block", Attributes.GEMM_BLOCK.name(), 128),
                                in("scale_a", DataType.FP32, m, Math.max(1, k / 128)),
                                in("scale_b", DataType.FP32, Math.max(1, n / 128), Math.max(1, k / 128))));
                default -> skip("gemm_dtype " + dtype + ": no mapping to operand types");
            }
        }

        /**
         * A TensorRT-LLM or vLLM GEMM row: the framework's {@code Linear} layer (TensorRT-LLM's {@code Linear}, vLLM's
         * {@code RowParallelLinear}) on 16-bit activations. 16-bit rows are one cuBLAS GEMM. {@code fp8} rows quantize
         * the activations dynamically (the collectors give no input scale): TensorRT-LLM with one per-tensor scale
         * (a max reduction, then the quantization) before {@code cublas_scaled_mm}; vLLM per token (its
         * {@code Fp8LinearMethod} does so wherever CUTLASS FP8 is supported; per tensor for a
         * {@code *PerTensor*} kernel) before the row-wise scaled GEMM its {@code kernel_source} names.
         * {@code fp8_block} rows quantize per token and 128-column group, then run a 1x128 / 128x128 block-scaled FP8
         * GEMM (TensorRT-LLM's own on Hopper, DeepGEMM
         * on Blackwell; vLLM's DeepGEMM, CUTLASS, Triton or FlashInfer kernel, as {@code kernel_source} says).
         * {@code nvfp4} (its FP4 quantization and block scales are not mapped) and other dtypes: counted as not predicted.
         */
        void frameworkGemm(CSVRecord r, String dtype, long m, long n, long k, double latency) {
            String source = r.isMapped("kernel_source") ? r.get("kernel_source").trim() : "";
            String key = framework.id() + "|" + dtype + "|" + m + "|" + n + "|" + k;
            String fw = " (" + framework.id() + ")";
            long groups = Math.max(1, k / 128);
            switch (dtype) {
                case "bfloat16", "float16", "fp16", "bf16" -> {
                    DataType t = DataType.fromName(dtype);
                    add(r, key, "gemm " + t.id() + fw, latency, KernelRequests.gemm("gemm", m, n, k, t, t, Map.of()));
                }
                case "fp8" -> {
                    String gemm = framework == Framework.TRTLLM ? "cublas_scaled_mm"
                            : source.isEmpty() ? "scaled_mm" : source;
                    if (framework == Framework.TRTLLM || source.toLowerCase(Locale.ROOT).contains("pertensor")) {
                        boolean trtllm = framework == Framework.TRTLLM;
                        add(r, key, "gemm fp8 (+ dynamic per-tensor quantization)" + fw, latency, 2,
                                KernelRequests.absmax(trtllm ? "computeFP8QuantizeScale" : "segmented_max_reduction", m,
                                        k),
                                KernelRequests.quantize(trtllm ? "quantize_e4m3_per_tensor" : "scaled_fp8_quant_kernel",
                                        m, k, 0),
                                KernelRequests.gemm(gemm, m, n, k, DataType.FP8_E4M3, DataType.BF16,
                                        attributes(Attributes.GEMM_SCALING.name(), "per-tensor"),
                                        in("scale_a", DataType.FP32, 1), in("scale_b", DataType.FP32, 1)));
                    } else {
                        // vLLM's Fp8LinearMethod quantizes dynamic activations per token where CUTLASS FP8 is
                        // supported (every FP8 GPU), then runs the selected row-wise scaled GEMM
                        add(r, key, "gemm fp8 (+ per-token quantization)" + fw, latency, 1,
                                KernelRequests.quantize("dynamic_per_token_scaled_fp8_quant_kernel", m, k, 1),
                                KernelRequests.gemm(gemm, m, n, k, DataType.FP8_E4M3, DataType.BF16,
                                        attributes(Attributes.GEMM_SCALING.name(), "per-token"),
                                        in("scale_a", DataType.FP32, m, 1), in("scale_b", DataType.FP32, n)));
                    }
                }
                case "fp8_block" -> add(r, key, "gemm fp8_block (+ quantization)" + fw, latency, 1,
                        framework == Framework.TRTLLM
                                ? KernelRequests.quantize("fp8_quantize_1x128", m, k, groups)
                                : KernelRequests.quantize("per_token_group_quant_fp8", m, k, groups),
                        KernelRequests.gemm(framework == Framework.TRTLLM && !source.contains("deepgemm")
                                        ? "fp8_block_scaling_gemm" : source.isEmpty() ? "fp8_block_gemm" : source,
                                m, n, k, DataType.FP8_E4M3, DataType.BF16,
                                attributes(Attributes.GEMM_SCALING.name(), "block", Attributes.GEMM_BLOCK.name(), 128),
                                in("scale_a", DataType.FP32, m, groups),
                                in("scale_b", DataType.FP32, Math.max(1, n / 128), groups)));
                case "nvfp4" -> skip("gemm_dtype nvfp4 (" + framework.id() + "): the reader does not map FP4"
                        + " block-scaled GEMM rows to kernels (their FP4 activation quantization and per-16-element"
                        + " scales)");
                default -> skip("gemm_dtype " + dtype + " (" + framework.id() + "): no mapping to operand types");
            }
        }

        void attention(CSVRecord r) {
            String op = r.get("op_name").trim();
            long b = integer(r, "batch_size");
            long isl = integer(r, "isl");
            long heads = integer(r, "num_heads");
            long kvHeads = integer(r, "num_key_value_heads");
            long headDim = integer(r, "head_dim");
            long step = integer(r, "step");
            long window = r.isMapped("window_size") && !r.get("window_size").isBlank() ? integer(r, "window_size") : 0;
            DataType qType = DataType.fromName(r.get("attn_dtype"));
            DataType kvType = DataType.fromName(r.get("kv_cache_dtype"));
            String source = r.isMapped("kernel_source") ? r.get("kernel_source").trim() : "";
            if (qType == DataType.UNKNOWN || kvType == DataType.UNKNOWN) {
                skip("attention dtype " + r.get("attn_dtype") + "/" + r.get("kv_cache_dtype") + " unknown");
                return;
            }
            double latency = number(r, "latency");
            String key = op + "|" + source + "|" + b + "|" + isl + "|" + heads + "|" + kvHeads + "|" + headDim + "|"
                    + qType.id() + "|" + kvType.id() + "|" + step + "|" + window;
            String kind = kvHeads == heads ? "mha" : "gqa";
            boolean context = op.startsWith("context");
            String group = (context ? "context attention" : "generation attention") + " "
                    + qType.id() + "/" + kvType.id() + (window > 0 ? " window" : "");
            if (framework == Framework.TRTLLM) {
                // TrtllmAttention: fmha_v2 / trtllm-gen context FMHA and XQA / MMHA decode kernels (or FlashInfer's
                // trtllm-gen runner), with RoPE and the KV-cache write fused in front: one request for the call
                add(r, "trtllm|" + key, group + " (trtllm)", latency, attentionKernel(context, b, isl, step, heads,
                        kvHeads, headDim, qType, kvType, window, kind, "trtllm"));
                return;
            }
            long tokens = context ? b * isl : b;
            String implementation;
            List<SimulationRequest> casts;
            if (framework == Framework.VLLM) {
                implementation = vllmAttention(source);
                if (implementation == null) {
                    skip("vllm attention row without a kernel_source: the table does not say which backend's kernels"
                            + " it timed");
                    return;
                }
                key = "vllm|" + key;
                group = group + " (vllm " + implementation + ")";
                // vLLM's reshape_and_cache_flash converts to an 8-bit cache in its own store; the collector casts
                // the queries of an FP8 cache before the timed call.
                casts = List.of();
            } else {
                // The kernel the row timed, where the table names it (A100's "flash_attention" names no kernel);
                // trtllm_mha is sglang's default on Blackwell (SM100/103): FlashInfer's TRT-LLM-gen FMHA kernels.
                implementation = switch (source) {
                    case "triton" -> "triton";
                    case "fa3" -> "fa3";
                    case "flashinfer" -> "flashinfer";
                    case "trtllm_mha" -> "trtllm-gen";
                    default -> null;
                };
                group = group + switch (source) {
                    case "triton", "flashinfer", "trtllm_mha" -> " (" + source + ")";
                    default -> "";
                };
                casts = casts(source, tokens, heads, kvHeads, headDim, qType, kvType);
            }
            add(r, key, group, latency, casts.size() + 1, withCasts(casts, storeKv(tokens, kvHeads, headDim, kvType),
                    attentionKernel(context, b, isl, step, heads, kvHeads, headDim, qType, kvType, window, kind,
                            implementation)));
        }

        /** The attention kernel of a row: prefill over {@code isl} tokens per sequence, or decode at {@code step}. */
        static SimulationRequest attentionKernel(boolean context, long b, long isl, long step, long heads, long kvHeads,
                                                 long headDim, DataType qType, DataType kvType, long window, String kind,
                                                 String implementation) {
            if (context) {
                long tokens = b * isl;
                return kernel("attention_prefill", OperationFamily.ATTENTION, "attention", List.of(
                        in("q", qType, tokens, heads, headDim), in("k", qType, tokens, kvHeads, headDim),
                        in("v", qType, tokens, kvHeads, headDim), out("o", DataType.BF16, tokens, heads, headDim)),
                        attributes(Attributes.ATTENTION_PHASE.name(), "prefill", Attributes.ATTENTION_KIND.name(), kind,
                                Attributes.ATTENTION_BATCH.name(), b, Attributes.ATTENTION_Q_LEN.name(), isl,
                                Attributes.ATTENTION_KV_LEN.name(), isl, Attributes.ATTENTION_CAUSAL.name(), true,
                                Attributes.ATTENTION_WINDOW.name(), window > 0 ? window : null,
                                Attributes.ATTENTION_IMPLEMENTATION.name(), implementation));
            }
            long kvLen = step + 1;
            return kernel("attention_decode", OperationFamily.ATTENTION, "attention", List.of(
                    in("q", qType, b, heads, headDim), in("kv_cache", kvType, b * kvLen, 2, kvHeads, headDim),
                    out("o", DataType.BF16, b, heads, headDim)),
                    attributes(Attributes.ATTENTION_PHASE.name(), "decode", Attributes.ATTENTION_KIND.name(), kind,
                            Attributes.ATTENTION_BATCH.name(), b, Attributes.ATTENTION_Q_LEN.name(), 1,
                            Attributes.ATTENTION_KV_LEN.name(), kvLen, Attributes.ATTENTION_NUM_KV_HEADS.name(), kvHeads,
                            Attributes.ATTENTION_CAUSAL.name(), false,
                            Attributes.ATTENTION_WINDOW.name(), window > 0 ? window : null,
                            Attributes.ATTENTION_IMPLEMENTATION.name(), implementation));
        }

        /**
         * The implementation of a vLLM attention row's {@code kernel_source} ({@code vllm_flash_attn_fa2}, {@code
         * vllm_flash_attn_fa3}, {@code vllm_flash_attn_fa4}, {@code vllm_flashinfer_<metadata class>}, {@code
         * vllm_<backend>}): {@code fa2}, {@code fa3}, {@code fa4}, {@code trtllm-gen} for FlashInfer's TensorRT-LLM-gen
         * kernels, {@code flashinfer} for its others, {@code triton} for vLLM's unified Triton kernel (as the bundled
         * kernels.json names {@code kernel_unified_attention_2d/3d} in a trace, so a row and a trace of the same kernel
         * get one price), else the source as written; null when the row names none.
         */
        static String vllmAttention(String source) {
            String s = source.toLowerCase(Locale.ROOT);
            if (s.isEmpty()) {
                return null;
            }
            if (s.matches("vllm_flash_attn_fa[234]")) {
                return s.substring("vllm_flash_attn_".length());
            }
            if (s.startsWith("vllm_flashinfer")) {
                return s.contains("trtllm") ? "trtllm-gen" : "flashinfer";
            }
            if (s.startsWith("vllm_triton")) {
                return "triton";
            }
            return source;
        }

        /**
         * The type casts a row over an 8-bit cache with 16-bit activations also times: sglang's {@code set_kv_buffer}
         * casts the new keys and values to the cache's type ({@code cache_k.to(dtype)}, {@code cache_v.to(dtype)}) before
         * it stores them, and its FA3 backend casts the queries too ({@code q.to(kv_cache_dtype)}: FA3 multiplies e4m3
         * queries with an e4m3 cache); the Triton backend keeps 16-bit queries. Each cast is one PyTorch copy kernel.
         */
        static List<SimulationRequest> casts(String source, long tokens, long heads, long kvHeads, long headDim,
                                             DataType qType, DataType kvType) {
            if (qType.bits() <= 8 || kvType.bits() > 8) {
                return List.of();
            }
            List<SimulationRequest> casts = new ArrayList<>();
            casts.add(cast(tokens, kvHeads, headDim, qType, kvType));
            casts.add(cast(tokens, kvHeads, headDim, qType, kvType));
            if ("fa3".equals(source)) {
                casts.add(cast(tokens, heads, headDim, qType, kvType));
            }
            return casts;
        }

        /** {@code .to(dtype)} of a contiguous tensor: PyTorch's vectorized copy kernel, reading one type, writing another. */
        static SimulationRequest cast(long tokens, long heads, long headDim, DataType from, DataType to) {
            return kernel("void at::native::vectorized_elementwise_kernel<4, at::native::direct_copy_kernel_cuda>",
                    OperationFamily.COPY, "to", List.of(in("input", from, tokens, heads, headDim),
                            out("output", to, tokens, heads, headDim)), Map.of());
        }

        /** The casts, then the row's other kernels, in launch order. */
        static SimulationRequest[] withCasts(List<SimulationRequest> casts, SimulationRequest... rest) {
            List<SimulationRequest> all = new ArrayList<>(casts);
            all.addAll(List.of(rest));
            return all.toArray(SimulationRequest[]::new);
        }

        /** The kernel that writes new keys and values into the KV cache. */
        SimulationRequest storeKv(long tokens, long kvHeads, long headDim, DataType kvType) {
            return kernel("store_kv_cache", OperationFamily.COPY, "set_kv_buffer", List.of(
                    in("k", DataType.BF16, tokens, kvHeads, headDim), in("v", DataType.BF16, tokens, kvHeads, headDim),
                    out("k_cache", kvType, tokens, kvHeads, headDim), out("v_cache", kvType, tokens, kvHeads, headDim)),
                    Map.of());
        }

        void mla(CSVRecord r) {
            String op = r.get("op_name").trim();
            long b = integer(r, "batch_size");
            long isl = integer(r, "isl");
            long heads = integer(r, "num_heads");
            long step = integer(r, "step");
            DataType qType = DataType.fromName(r.get("mla_dtype"));
            DataType kvType = DataType.fromName(r.get("kv_cache_dtype"));
            if (qType == DataType.UNKNOWN || kvType == DataType.UNKNOWN) {
                skip("mla dtype " + r.get("mla_dtype") + "/" + r.get("kv_cache_dtype") + " unknown");
                return;
            }
            double latency = number(r, "latency");
            String key = op + "|" + b + "|" + isl + "|" + heads + "|" + qType.id() + "|" + kvType.id() + "|" + step;
            if (framework != Framework.SGLANG) {
                frameworkMla(r, op.contains("context"), key, b, isl, heads, step, qType, kvType, latency);
                return;
            }
            // DeepSeek-V3 MLA: kv_lora_rank 512, qk_nope 128, qk_rope 64, v_head 128. On Hopper the collector
            // runs both phases absorbed (queries against the shared 576-wide latent, 512-wide values); on
            // Blackwell the prefill is non-absorbed (192-wide q/k, 128-wide v per head). The layout follows the
            // GPU the kernels are simulated on, not the table's device column when --gpu names another.
            boolean blackwell = target.matches("(?i).*\\b(b200|b300|gb200|gb300)\\b.*");
            if (op.contains("context")) {
                long tokens = b * isl;
                SimulationRequest attention = blackwell
                        ? kernel("mla_prefill", OperationFamily.ATTENTION, "attention", List.of(
                                in("q", qType, tokens, heads, 192), in("k", qType, tokens, heads, 192),
                                in("v", qType, tokens, heads, 128), out("o", DataType.BF16, tokens, heads, 128)),
                                attributes(Attributes.ATTENTION_PHASE.name(), "prefill", Attributes.ATTENTION_KIND.name(), "mla", Attributes.ATTENTION_BATCH.name(), b,
                                        Attributes.ATTENTION_Q_LEN.name(), isl, Attributes.ATTENTION_KV_LEN.name(), isl, Attributes.ATTENTION_CAUSAL.name(), true))
                        : kernel("mla_prefill", OperationFamily.ATTENTION, "attention", List.of(
                                in("q", qType, tokens, heads, 576), in("kv_cache", kvType, tokens, 1, 576),
                                out("o", DataType.BF16, tokens, heads, 512)),
                                attributes(Attributes.ATTENTION_PHASE.name(), "prefill", Attributes.ATTENTION_KIND.name(), "mla", Attributes.ATTENTION_BATCH.name(), b,
                                        Attributes.ATTENTION_Q_LEN.name(), isl, Attributes.ATTENTION_KV_LEN.name(), isl, Attributes.ATTENTION_HEAD_DIM_V.name(), 512,
                                        Attributes.ATTENTION_CAUSAL.name(), true));
                add(r, key, "context mla " + kvType.id(), latency, 1, storeLatent(tokens, kvType), attention);
            } else {
                long kvLen = step + 1;
                add(r, key, "generation mla " + kvType.id(), latency, 1, storeLatent(b, kvType),
                        kernel("mla_decode", OperationFamily.ATTENTION, "attention", List.of(
                                in("q", qType, b, heads, 576), in("kv_cache", kvType, b * kvLen, 1, 576),
                                out("o", DataType.BF16, b, heads, 512)),
                                attributes(Attributes.ATTENTION_PHASE.name(), "decode", Attributes.ATTENTION_KIND.name(), "mla", Attributes.ATTENTION_BATCH.name(), b,
                                        Attributes.ATTENTION_Q_LEN.name(), 1, Attributes.ATTENTION_KV_LEN.name(), kvLen, Attributes.ATTENTION_HEAD_DIM_V.name(), 512,
                                        Attributes.ATTENTION_CAUSAL.name(), false)));
            }
        }

        /**
         * A TensorRT-LLM or vLLM MLA row: one request for the call, carrying its implementation ({@code trtllm} for
         * TensorRT-LLM's own context FMHA and generation MLA kernels, vLLM's backend as its {@code kernel_source}
         * names it: FlashMLA, CUTLASS MLA, FlashInfer, Triton), since the framework's kernels around it (RoPE, the
         * latent-cache write) are fused or not known from the table. Both frameworks run the prefill non-absorbed
         * (192-wide q/k, 128-wide v per head) and the decode absorbed (queries against the 576-wide latent).
         */
        void frameworkMla(CSVRecord r, boolean context, String key, long b, long isl, long heads, long step,
                          DataType qType, DataType kvType, double latency) {
            String source = r.isMapped("kernel_source") ? r.get("kernel_source").trim() : "";
            if (framework == Framework.VLLM && source.isEmpty()) {
                skip("vllm mla row without a kernel_source: the table does not say which MLA backend's kernels it"
                        + " timed");
                return;
            }
            String implementation = framework == Framework.TRTLLM ? "trtllm" : source;
            String fw = " (" + framework.id() + ")";
            if (context) {
                long tokens = b * isl;
                add(r, framework.id() + "|" + key, "context mla " + kvType.id() + fw, latency,
                        kernel("mla_prefill", OperationFamily.ATTENTION, "attention", List.of(
                                in("q", qType, tokens, heads, 192), in("k", qType, tokens, heads, 192),
                                in("v", qType, tokens, heads, 128), out("o", DataType.BF16, tokens, heads, 128)),
                                attributes(Attributes.ATTENTION_PHASE.name(), "prefill", Attributes.ATTENTION_KIND.name(),
                                        "mla", Attributes.ATTENTION_BATCH.name(), b, Attributes.ATTENTION_Q_LEN.name(),
                                        isl, Attributes.ATTENTION_KV_LEN.name(), isl, Attributes.ATTENTION_CAUSAL.name(),
                                        true, Attributes.ATTENTION_IMPLEMENTATION.name(), implementation)));
            } else {
                long kvLen = step + 1;
                add(r, framework.id() + "|" + key, "generation mla " + kvType.id() + fw, latency,
                        kernel("mla_decode", OperationFamily.ATTENTION, "attention", List.of(
                                in("q", qType, b, heads, 576), in("kv_cache", kvType, b * kvLen, 1, 576),
                                out("o", DataType.BF16, b, heads, 512)),
                                attributes(Attributes.ATTENTION_PHASE.name(), "decode", Attributes.ATTENTION_KIND.name(),
                                        "mla", Attributes.ATTENTION_BATCH.name(), b, Attributes.ATTENTION_Q_LEN.name(), 1,
                                        Attributes.ATTENTION_KV_LEN.name(), kvLen, Attributes.ATTENTION_HEAD_DIM_V.name(),
                                        512, Attributes.ATTENTION_CAUSAL.name(), false,
                                        Attributes.ATTENTION_IMPLEMENTATION.name(), implementation)));
            }
        }

        SimulationRequest storeLatent(long tokens, DataType kvType) {
            return kernel("set_mla_kv_buffer", OperationFamily.COPY, "set_kv_buffer", List.of(
                    in("kv", DataType.BF16, tokens, 576), out("kv_cache", kvType, tokens, 1, 576)), Map.of());
        }

        void mlaBmm(CSVRecord r) {
            String op = r.get("op_name").trim();
            long tokens = integer(r, "num_tokens");
            long heads = integer(r, "num_heads");
            String dtype = r.get("bmm_dtype").trim().toLowerCase(Locale.ROOT);
            double latency = number(r, "latency");
            long k;
            long n;
            if (op.equals("mla_gen_pre")) {
                k = 128;
                n = 512;
            } else if (op.equals("mla_gen_post")) {
                k = 512;
                n = 128;
            } else {
                skip("mla_bmm op " + op + " unknown");
                return;
            }
            String key = (framework == Framework.SGLANG ? "" : framework.id() + "|") + op + "|" + dtype + "|" + tokens
                    + "|" + heads;
            DataType t = DataType.fromName(dtype);
            // The collector replays the one call on the same tensors (no copies to rotate through): each iteration
            // touches the activations, the weight and the output, and for fp8 the quantized activations too. Each
            // replay holds one call; the fp8 rows do not say so, since the floors of their quantization kernels were
            // fitted on these rows and hold the gap between replays already (docs/simulator.md).
            long loopBytes = heads * (tokens * k + k * n + tokens * n) * 2;
            if (t == DataType.BF16 || t == DataType.FP16) {
                add(r, key, "mla_bmm " + t.id(), latency, KernelRequests.bmm("bmm", heads, tokens, n, k, t, t,
                        attributes(Attributes.MEASUREMENT_LOOP_BYTES.name(), loopBytes,
                                Attributes.MEASUREMENT_CALLS_PER_REPLAY.name(), 1)));
            } else if (t == DataType.FP8_E4M3 && framework != Framework.SGLANG) {
                // TensorRT-LLM quantizes per token and 128-column group (fp8_batched_quantize_1x128_permute102) and
                // runs its block-scaled fp8_block_scaling_bmm_out; vLLM collects bf16 only on NVIDIA GPUs.
                skip(framework.id() + " mla_bmm fp8 (" + sourceOf(r) + "): the reader does not map its 1x128"
                        + " block-scaled FP8 batched GEMM and quantization to kernels");
            } else if (t == DataType.FP8_E4M3) {
                // sglang's per_tensor_quant_mla_fp8 (what the collector times in front of bmm_fp8) is two Triton
                // kernels over [heads, tokens, k], each one program per row: the absolute maximum (every program
                // an atomic max into the one scale), then the quantization.
                Dim3 rows = new Dim3(tokens, heads, 1);
                add(r, key, "mla_bmm fp8 (+ quantization)", latency, 2,
                        KernelRequests.absmax("_per_tensor_quant_mla_fp8_stage1", heads * tokens, k, rows),
                        KernelRequests.quantize("_per_tensor_quant_mla_fp8_stage2", heads * tokens, k, 0, rows),
                        KernelRequests.bmm("bmm_fp8", heads, tokens, n, k, DataType.FP8_E4M3, DataType.BF16,
                                attributes(Attributes.GEMM_SCALING.name(), "per-tensor",
                                        Attributes.MEASUREMENT_LOOP_BYTES.name(),
                                        heads * (tokens * k * 3 + k * n + tokens * n * 2))));
            } else {
                skip("bmm_dtype " + dtype + ": no mapping to operand types");
            }
        }

        void moe(CSVRecord r) {
            String dtype = r.get("moe_dtype").trim().toLowerCase(Locale.ROOT);
            long tokens = integer(r, "num_tokens");
            long hidden = integer(r, "hidden_size");
            long inter = integer(r, "inter_size");
            long topK = integer(r, "topk");
            long experts = integer(r, "num_experts");
            long tp = integer(r, "moe_tp_size");
            long ep = integer(r, "moe_ep_size");
            String distribution = r.get("distribution").trim().toLowerCase(Locale.ROOT);
            String source = r.isMapped("kernel_source") ? r.get("kernel_source").trim() : "";
            String op = r.isMapped("op_name") ? r.get("op_name").trim() : "moe";
            double latency = number(r, "latency");
            // The Triton fused_moe_kernel (sglang's, and vLLM's TritonExperts of the same lineage) with its routing,
            // activation and sum is mapped kernel by kernel; any other implementation (TensorRT-LLM's fused MoE,
            // vLLM's CUTLASS / DeepGEMM / FlashInfer / Marlin experts, sglang's FlashInfer CUTLASS, Marlin and DeepEP
            // MoE) is one request for the layer, named by the table's kernel_source.
            String implementation = moeImplementation(source);
            if (implementation == null) {
                skip(framework.id() + " moe row without a kernel_source: the table does not say which MoE kernels it"
                        + " timed");
                return;
            }
            DataType weights;
            boolean quantizeActivations = false;
            switch (dtype) {
                case "bfloat16", "float16" -> weights = DataType.fromName(dtype);
                case "fp8_block", "fp8" -> {
                    weights = DataType.FP8_E4M3;
                    quantizeActivations = true;
                }
                case "w4a16_mxfp4" -> weights = DataType.FP4_E2M1;
                default -> {
                    skip("moe_dtype " + dtype + ": no data type for its weights in the API (int4 has none)");
                    return;
                }
            }
            if (ep < 1 || tp < 1 || experts % ep != 0 || inter % tp != 0) {
                skip("moe row with num_experts or inter_size not divisible by ep/tp");
                return;
            }
            long localExperts = experts / ep;
            long interLocal = inter / tp;
            // Every top-k slot of every token passes the activation (remote slots masked, with ep > 1).
            long routed = tokens * topK;
            String key = (framework == Framework.SGLANG ? "" : framework.id() + "|") + op + "|" + source + "|" + dtype
                    + "|" + tokens + "|" + hidden + "|" + inter + "|" + topK + "|" + experts + "|" + tp + "|" + ep + "|"
                    + distribution;
            String distributionGroup = distribution.startsWith("power_law") ? "power_law" : distribution;
            String group = (op.equals("moe") ? "moe " : op.replace('_', ' ') + " ") + dtype + " " + distributionGroup
                    + (source.contains("cutlass") ? " (cutlass)" : source.contains("marlin") ? " (marlin)" : "")
                    + (framework == Framework.SGLANG ? "" : " (" + framework.id() + ")");
            Map<String, String> common = attributes(Attributes.MOE_TOP_K.name(), topK, Attributes.MOE_NUM_EXPERTS.name(), experts,
                    Attributes.MOE_DISTRIBUTION.name(), distribution, Attributes.MOE_EP_SIZE.name(), ep > 1 ? ep : null,
                    Attributes.MOE_IMPLEMENTATION.name(), implementation);
            if (!implementation.equals("triton")) {
                add(r, key, group, latency, kernel("fused_moe", OperationFamily.MOE, "fused_moe", List.of(
                        in("hidden", DataType.BF16, tokens, hidden), in("w1", weights, localExperts, 2 * interLocal, hidden),
                        in("w2", weights, localExperts, hidden, interLocal), in("topk_ids", DataType.INT32, tokens, topK),
                        out("output", DataType.BF16, tokens, hidden)), with(common, Attributes.MOE_STAGE.name(), "fused")));
                return;
            }
            List<SimulationRequest> kernels = new ArrayList<>();
            kernels.add(kernel("moe_align_block_size", OperationFamily.MOE, "moe_align", List.of(
                    in("topk_ids", DataType.INT32, tokens, topK),
                    out("sorted_token_ids", DataType.INT32, tokens * topK + localExperts * 63)),
                    with(common, Attributes.MOE_STAGE.name(), "align")));
            SimulationRequest gateUp;
            SimulationRequest down;
            gateUp = expertPass(tokens, hidden, topK, localExperts, interLocal, weights, quantizeActivations, common,
                    "gate_up");
            down = expertPass(tokens, hidden, topK, localExperts, interLocal, weights, quantizeActivations, common,
                    "down");
            if (quantizeActivations) {
                kernels.add(KernelRequests.quantize("per_token_group_quant_fp8", tokens, hidden, Math.max(1, hidden / 128)));
            }
            int subject = kernels.size();
            kernels.add(gateUp);
            kernels.add(kernel("silu_and_mul", OperationFamily.ELEMENTWISE, "silu_and_mul", List.of(
                    in("input", DataType.BF16, routed, 2 * interLocal), out("output", DataType.BF16, routed, interLocal)),
                    Map.of()));
            if (quantizeActivations) {
                kernels.add(KernelRequests.quantize("per_token_group_quant_fp8", routed, interLocal,
                        Math.max(1, interLocal / 128)));
            }
            kernels.add(down);
            kernels.add(kernel("moe_sum_reduce", OperationFamily.REDUCTION, "moe_sum", List.of(
                    in("input", DataType.BF16, tokens, topK, hidden), out("output", DataType.BF16, tokens, hidden)),
                    Map.of()));
            add(r, key, group, latency, subject, kernels.toArray(new SimulationRequest[0]));
        }

        /**
         * A MoE row's implementation: {@code triton} for the Triton fused_moe_kernel (sglang's rows without a
         * kernel_source or with a Triton one, vLLM's Triton experts), else the kernel_source as written; null when a
         * TensorRT-LLM or vLLM row names none.
         */
        String moeImplementation(String source) {
            boolean triton = source.toLowerCase(Locale.ROOT).contains("triton");
            return switch (framework) {
                case SGLANG -> source.isEmpty() || triton ? "triton" : source;
                case VLLM -> source.isEmpty() ? null : triton ? "triton" : source;
                default -> source.isEmpty() ? null : source;
            };
        }

        SimulationRequest expertPass(long tokens, long hidden, long topK, long localExperts, long interLocal,
                                     DataType weights, boolean fp8Activations, Map<String, String> common, String stage) {
            DataType act = fp8Activations ? DataType.FP8_E4M3 : DataType.BF16;
            return kernel("fused_moe_kernel", OperationFamily.MOE, "fused_moe", List.of(
                    in("hidden", act, tokens, hidden), in("w1", weights, localExperts, 2 * interLocal, hidden),
                    in("w2", weights, localExperts, hidden, interLocal), in("topk_ids", DataType.INT32, tokens, topK)),
                    with(common, Attributes.MOE_STAGE.name(), stage));
        }

        static String sourceOf(CSVRecord r) {
            String source = r.isMapped("kernel_source") ? r.get("kernel_source").trim() : "";
            return source.isEmpty() ? "no kernel_source" : source;
        }

        void nccl(CSVRecord r) {
            String op = r.get("op_name").trim().toLowerCase(Locale.ROOT);
            String dtype = r.get("nccl_dtype").trim();
            int n = (int) integer(r, "num_gpus");
            long size = integer(r, "message_size");
            DataType t = DataType.fromName(dtype);
            if (t == DataType.UNKNOWN) {
                skip("nccl_dtype " + dtype + " unknown");
                return;
            }
            double latency = number(r, "latency");
            long bytes = Math.round(size * t.bytes());
            String key = op + "|" + dtype + "|" + n + "|" + size;
            String group = op + " " + sizeClass(bytes);
            SimulationRequest k = switch (op) {
                case "all_reduce" -> KernelRequests.collective("nccl:all_reduce", "allreduce", size, size, n, dtype);
                case "all_gather" -> KernelRequests.collective("nccl:all_gather", "_allgather_base", size / n, size, n,
                        dtype);
                case "reduce_scatter" -> KernelRequests.collective("nccl:reduce_scatter", "_reduce_scatter_base", size,
                        size / n, n, dtype);
                case "alltoall", "all_to_all" -> KernelRequests.collective("nccl:all_to_all", "all_to_all", size, size,
                        n, dtype);
                default -> null;
            };
            if (k == null) {
                skip("nccl op " + op + " unknown");
                return;
            }
            add(r, key, group, latency, k);
        }

        void customAllReduce(CSVRecord r) {
            String backend = r.isMapped("backend") ? r.get("backend").trim()
                    : r.isMapped("implementation") ? r.get("implementation").trim() : "";
            if (backend.contains("eager")) {
                skip("eager timing (adds 30-40 us of host overhead; the graph rows are the kernel reference)");
                return;
            }
            int n = (int) integer(r, "num_gpus");
            long size = integer(r, "message_size");
            DataType t = DataType.fromName(r.get("allreduce_dtype"));
            double latency = number(r, "latency");
            long bytes = Math.round(size * t.bytes());
            String key = backend + "|" + t.id() + "|" + n + "|" + size;
            if (framework != Framework.SGLANG) {
                // TensorRT-LLM's AllReduce (strategy AUTO) picks its one-shot / two-shot kernels or NCCL from its own
                // size and GPU-count table; vLLM's all-reduce picks its custom all-reduce, symmetric memory or NCCL
                // by size: which ran is not recorded, so the row is one all-reduce carrying the framework's dispatch.
                add(r, framework.id() + "|" + key, "all_reduce " + sizeClass(bytes) + " (" + framework.id() + ")",
                        latency, KernelRequests.allReduce(framework.id() + "::all_reduce", size, t, n, framework.id()));
                return;
            }
            if (bytes > CUSTOM_ALLREDUCE_MAX_BYTES) {
                add(r, key, "custom_allreduce " + sizeClass(bytes) + " (NCCL fallback)", latency,
                        KernelRequests.collective("nccl:all_reduce", "allreduce", size, size, n, t.id()));
            } else {
                add(r, key, "custom_allreduce " + sizeClass(bytes), latency,
                        KernelRequests.customAllReduce("sglang::cross_device_reduce", size, t, n));
            }
        }

        void vidurNetwork(CSVRecord r) {
            boolean allReduce = format == TableFormat.VIDUR_ALL_REDUCE;
            String column = allReduce ? "time_stats.all_reduce.median" : "time_stats.send_recv.median";
            int n = (int) integer(r, "num_workers");
            int perNode = (int) integer(r, "devices_per_node");
            long bytes = integer(r, "size");
            double latency = number(r, column);
            long elements = bytes / 2;
            // rows over several nodes (fewer GPUs per node than workers) are their own groups and carry the layout
            boolean acrossNodes = perNode < n;
            String key = (allReduce ? "all_reduce" : "send_recv") + "|" + n + "|" + perNode + "|" + bytes;
            String group = "vidur " + (allReduce ? "all_reduce " : "send_recv ")
                    + (acrossNodes ? "across nodes " : "") + sizeClass(bytes);
            String kernel = allReduce ? "nccl:all_reduce" : "nccl:send_recv";
            String collective = allReduce ? "allreduce" : "send";
            add(r, key, group, latency, acrossNodes
                    ? KernelRequests.collective(kernel, collective, elements, elements, n, "Half", perNode)
                    : KernelRequests.collective(kernel, collective, elements, elements, n, "Half"));
        }

        void vidurMlp(CSVRecord r) {
            long heads = integer(r, "n_head");
            long kvHeads = integer(r, "n_kv_head");
            long d = integer(r, "n_embd");
            long f = integer(r, "n_expanded_embd");
            long vocab = integer(r, "vocab_size");
            long t = integer(r, "num_tokens");
            long p = integer(r, "num_tensor_parallel_workers");
            boolean gated = Boolean.parseBoolean(r.get("use_gated_mlp").trim());
            String path = file.toString().toLowerCase(Locale.ROOT);
            boolean phi = path.contains("phi-2");
            boolean qkvBias = phi || path.contains("qwen");
            long headDim = d / heads;
            DataType h = DataType.FP16;
            String model = file.getParent() == null ? "" : file.getParent().getFileName().toString();
            for (String op : List.of("emb", "input_layernorm", "attn_pre_proj", "attn_rope", "attn_post_proj",
                    "post_attention_layernorm", "mlp_up_proj", "mlp_act", "mlp_down_proj", "add")) {
                String column = "time_stats." + op + ".median";
                if (!r.isMapped(column) || r.get(column).isBlank()) {
                    continue;
                }
                double latency = number(r, column);
                String key = "vidur|" + model + "|" + op + "|" + t + "|" + p;
                String group = "vidur " + op.replace("post_attention_layernorm", "input_layernorm");
                switch (op) {
                    case "emb" -> add(r, key, group, latency, kernel("embedding", OperationFamily.COPY, "embedding",
                            List.of(in("weight", h, vocab / p, d), in("indices", DataType.INT64, t), out("output", h, t, d)),
                            Map.of()));
                    case "input_layernorm", "post_attention_layernorm" -> add(r, key, group, latency,
                            kernel(phi ? "layer_norm" : "rms_norm", OperationFamily.NORM, phi ? "layer_norm" : "rms_norm",
                                    List.of(in("input", h, t, d), in("weight", h, d), out("output", h, t, d)), Map.of()));
                    case "attn_pre_proj" -> add(r, key, group, latency, KernelRequests.gemm("gemm", t,
                            (heads + 2 * kvHeads) * headDim / p, d, h, h, Map.of(),
                            qkvBias ? new Operand[] {in("bias", h, (heads + 2 * kvHeads) * headDim / p)}
                                    : new io.flowsim.api.model.Operand[0]));
                    case "attn_rope" -> add(r, key, group, latency, kernel("rotary_embedding", OperationFamily.ELEMENTWISE,
                            "rotary_embedding", List.of(inOut("q", h, t, heads / p * headDim),
                                    inOut("k", h, t, Math.max(1, kvHeads / p) * headDim), in("positions", DataType.INT64, t)),
                            Map.of()));
                    case "attn_post_proj" -> add(r, key, group, latency, KernelRequests.gemm("gemm", t, d,
                            heads * headDim / p, h, h, Map.of()));
                    case "mlp_up_proj" -> add(r, key, group, latency, KernelRequests.gemm("gemm", t,
                            gated ? 2 * f / p : f / p, d, h, h, Map.of(),
                            phi ? new Operand[] {in("bias", h, f / p)}
                                    : new io.flowsim.api.model.Operand[0]));
                    case "mlp_act" -> add(r, key, group, latency, kernel(gated ? "silu_and_mul" : "gelu",
                            OperationFamily.ELEMENTWISE, gated ? "silu_and_mul" : "gelu", List.of(
                                    in("input", h, t, gated ? 2 * f / p : f / p), out("output", h, t, f / p)), Map.of()));
                    case "mlp_down_proj" -> add(r, key, group, latency, KernelRequests.gemm("gemm", t, d, f / p, h, h,
                            Map.of()));
                    case "add" -> {
                        SimulationRequest one = kernel("add", OperationFamily.ELEMENTWISE, "add", List.of(
                                in("input", h, t, d), in("other", h, t, d), out("output", h, t, d)), Map.of());
                        if (phi) {
                            add(r, key, group, latency, 0, one, one);
                        } else {
                            add(r, key, group, latency, one);
                        }
                    }
                    default -> throw new IllegalStateException(op);
                }
            }
        }
    }

    static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.put(key, value);
        return m;
    }

    /** {@code < 1 MiB} or {@code >= 1 MiB}: collectives are scored separately by size. */
    public static String sizeClass(long bytes) {
        return bytes >= MIB ? ">= 1 MiB" : "< 1 MiB";
    }

    static long integer(CSVRecord r, String column) {
        String v = r.get(column).trim();
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            double d;
            try {
                d = Double.parseDouble(v);
            } catch (NumberFormatException notANumber) {
                throw new NumberFormatException("column " + column + ": '" + v + "' is not an integer");
            }
            if (d != Math.rint(d) || Double.isInfinite(d)) {
                throw new NumberFormatException("column " + column + ": '" + v + "' is not an integer");
            }
            return (long) d;
        }
    }

    static double number(CSVRecord r, String column) {
        String v = r.get(column).trim();
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new NumberFormatException("column " + column + ": '" + v + "' is not a number");
        }
    }
}
