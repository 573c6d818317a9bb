package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.SimulationRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Convolutions as the GEMM-like work cuDNN and CUTLASS run them as, priced by {@link GemmModel}.
 *
 * <p>An implicit-GEMM convolution of an input {@code [N, C, H, W]} with a weight {@code [K, C/g, R, S]}
 * (g groups) into an output {@code [N, K, P, Q]} is, per group, the GEMM
 * <ul>
 *   <li>forward ({@code fprop}): {@code M = N*P*Q}, {@code N = K/g}, {@code K = C/g*R*S};</li>
 *   <li>data gradient ({@code dgrad}): {@code M = N*H*W}, {@code N = C/g}, {@code K = K/g*R*S};</li>
 *   <li>weight gradient ({@code wgrad}): {@code M = K/g}, {@code N = C/g*R*S}, {@code K = N*P*Q};</li>
 * </ul>
 * with {@code g} such GEMMs in a batch, and its compulsory traffic is the tensors themselves (the
 * im2col matrix is never written). A fused Winograd kernel F(2x2, 3x3) is 16 GEMMs of
 * {@code M = N*ceil(P/2)*ceil(Q/2)} tiles, {@code N = K/g}, {@code K = C/g}. Depthwise-like
 * convolutions (at most 4 channels per group) have no useful GEMM: they are priced like a GEMV, by
 * their bytes and their FLOPs at the FP32 rate. Any number of spatial dimensions (1-D to 3-D).
 *
 * <p>Operands and attributes (docs/operand-conventions.md, "convolution"): {@code input},
 * {@code weight}, {@code grad_output} (backward), {@code conv.stride}, {@code conv.padding},
 * {@code conv.dilation}, {@code conv.groups}, {@code conv.transposed}. Stateless.
 */
final class ConvolutionModel {

    /** Which product the kernel computes. */
    enum Pass { FPROP, DGRAD, WGRAD }

    private ConvolutionModel() {
    }

    /** Whether the request is a convolution (its operation, from kernels.json). */
    static boolean applies(SimulationRequest r) {
        return r.opMapping().equals("convolution") || r.opMapping().equals("convolution_backward");
    }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        Object parsed = parse(r);
        if (parsed instanceof String reason) {
            return Estimate.unsupported(reason);
        }
        Work w = (Work) parsed;
        GemmModel.Problem gemm = w.gemm();
        if ("tf32".equals(gemm.precision()) && gemm.kernel().mode() == GemmKernelName.MathMode.UNSTATED
                && hw.peakFlops("tf32").isEmpty()) {
            // TF32 by PyTorch's default, on a GPU without TF32 tensor cores: cuDNN runs it on the CUDA cores
            gemm = new GemmModel.Problem(gemm.batch(), gemm.m(), gemm.n(), gemm.k(), gemm.typeA(), gemm.typeB(),
                    gemm.outBytes(), "fp32", gemm.narrow(), gemm.blockScaled(), gemm.forcedSplit(), gemm.kernel(),
                    gemm.trafficBytes(), gemm.narrowOutputOnly());
        }
        Estimate e = GemmModel.time(gemm, hw);
        return e.supported() ? Estimate.of(e.seconds(), w.model(), e.bound()) : e;
    }

    /**
     * The GEMM a convolution kernel runs and the name of the model that priced it.
     *
     * @param gemm  the problem {@link GemmModel#time} prices
     * @param model {@code conv-fprop}, {@code conv-dgrad}, {@code conv-wgrad}, {@code conv-winograd} or
     *              {@code conv-depthwise}
     */
    record Work(GemmModel.Problem gemm, String model) {
    }

    /** The GEMM-like work of a convolution kernel, or the reason it cannot be told. */
    static Object parse(SimulationRequest r) {
        if (!RequestView.hasShapes(r)) {
            return "no operand shapes";
        }
        Operand input = RequestView.operand(r, "input");
        Operand weight = RequestView.operand(r, "weight");
        Operand gradOutput = RequestView.operand(r, "grad_output");
        if (input == null || weight == null || input.shape().size() < 3
                || weight.shape().size() != input.shape().size()) {
            return "a convolution needs operands input [N, C, spatial...] and weight [K, C/groups, kernel...]"
                    + " of the same rank (docs/operand-conventions.md)";
        }
        String name = r.kernelName().toLowerCase(Locale.ROOT);
        int args = name.indexOf('(');
        String head = args > 0 ? name.substring(0, args) : name;
        if (head.contains("reduce") || head.contains("helper") || head.contains("offsets")) {
            return "a helper kernel of a convolution (a split reduction, offsets): not modelled";
        }
        if (head.contains("fft")) {
            return "FFT convolution kernels (cuDNN's fft2d_r2c/c2r transforms and their pointwise products) are"
                    + " not modelled";
        }
        boolean winograd = head.contains("winograd");
        if (winograd && (head.contains("forwarddata") || head.contains("forwardfilter")
                || head.contains("forwardoutput") || head.contains("nonfused"))) {
            return "a transform kernel of a non-fused Winograd convolution: not modelled";
        }
        if (RequestView.flag(r, "conv.transposed", false)) {
            return "a transposed convolution: not modelled";
        }
        Pass pass;
        if (gradOutput == null) {
            pass = Pass.FPROP;
        } else if (head.contains("wgrad")) {
            pass = Pass.WGRAD;
        } else if (head.contains("dgrad") || head.contains("fprop")) {
            // cuDNN computes a stride-1 data gradient with a forward kernel over the flipped weight
            pass = Pass.DGRAD;
        } else {
            return "a convolution backward kernel whose name says neither dgrad nor wgrad";
        }
        int spatial = input.shape().size() - 2;
        long batchN = input.shape().get(0);
        long channels = input.shape().get(1);
        long filters = weight.shape().get(0);
        long channelsPerGroup = weight.shape().get(1);
        if (channelsPerGroup <= 0 || channels % channelsPerGroup != 0) {
            return "input " + input.shape() + " and weight " + weight.shape() + " disagree on the channels";
        }
        long groups = channels / channelsPerGroup;
        double recordedGroups = RequestView.number(r, "conv.groups", groups);
        if (recordedGroups != groups || filters % groups != 0) {
            return "groups " + RequestView.text(r, "conv.groups") + " do not fit input " + input.shape()
                    + " and weight " + weight.shape();
        }
        long[] in = new long[spatial];
        long[] kernel = new long[spatial];
        for (int i = 0; i < spatial; i++) {
            in[i] = input.shape().get(2 + i);
            kernel[i] = weight.shape().get(2 + i);
        }
        long[] stride = ints(RequestView.text(r, "conv.stride"), spatial, 1);
        long[] dilation = ints(RequestView.text(r, "conv.dilation"), spatial, 1);
        if (stride == null || dilation == null || java.util.Arrays.stream(stride).anyMatch(x -> x < 1)
                || java.util.Arrays.stream(dilation).anyMatch(x -> x < 1)) {
            return "cannot read the convolution's stride '" + RequestView.text(r, "conv.stride") + "' or dilation '"
                    + RequestView.text(r, "conv.dilation") + "' (" + spatial + " spatial dimensions)";
        }
        long[] out;
        if (gradOutput != null) {
            if (gradOutput.shape().size() != input.shape().size() || gradOutput.shape().get(0) != batchN
                    || gradOutput.shape().get(1) != filters) {
                return "grad_output " + gradOutput.shape() + " does not fit input " + input.shape() + " and weight "
                        + weight.shape();
            }
            out = new long[spatial];
            for (int i = 0; i < spatial; i++) {
                out[i] = gradOutput.shape().get(2 + i);
            }
        } else {
            String paddingText = RequestView.text(r, "conv.padding");
            String strideText = RequestView.text(r, "conv.stride");
            if (paddingText == null || strideText == null) {
                return "the convolution's stride and padding were not recorded (the profiler's Concrete Inputs,"
                        + " PyTorch 2 with record_shapes), so its output size is unknown";
            }
            out = outputSize(paddingText, in, kernel, stride, dilation);
            if (out == null) {
                return "cannot read the convolution's padding '" + paddingText + "' (" + spatial
                        + " spatial dimensions)";
            }
        }
        for (long o : out) {
            if (o <= 0) {
                return "an empty convolution output " + java.util.Arrays.toString(out);
            }
        }
        if (batchN == 0 || channels == 0 || filters == 0) {
            return "an empty convolution (a zero extent in " + input.shape() + " x " + weight.shape() + ")";
        }
        long inPixels = product(in);
        long outPixels = product(out);
        long window = product(kernel);
        DataType ta = input.dataType() != DataType.UNKNOWN ? input.dataType() : weight.dataType();
        DataType tb = weight.dataType() != DataType.UNKNOWN ? weight.dataType() : ta;
        if (ta == DataType.UNKNOWN) {
            return "the operand types of input and weight are unknown";
        }
        DataType compute = ta.bits() >= tb.bits() ? ta : tb;
        GemmKernelName named = KernelNameFacts.of(r).gemm();
        // FP32 convolutions run on the TF32 tensor cores when the kernel says so, and also when nothing names the
        // kernel (a table row of conv2d): PyTorch's torch.backends.cudnn.allow_tf32 is true by default, unlike
        // torch.backends.cuda.matmul.allow_tf32 (GemmModel). A named SIMT kernel (implicit_convolve_sgemm) stays FP32.
        if (compute == DataType.FP32 && (named.mode() == GemmKernelName.MathMode.TF32
                || named.mode() == GemmKernelName.MathMode.UNSTATED)) {
            compute = DataType.TF32;
        }
        String precision = HardwareProfile.precisionOf(compute);
        if (precision == null) {
            return "no compute units for convolution operand type " + compute.id();
        }
        double inputBytes = (double) batchN * channels * inPixels * ta.bytes();
        double weightBytes = (double) filters * channelsPerGroup * window * tb.bytes();
        double outputBytes = (double) batchN * filters * outPixels * ta.bytes();
        double traffic = inputBytes + weightBytes + outputBytes;
        long m;
        long n;
        long k;
        long batch = groups;
        String model;
        double outElementBytes = pass == Pass.WGRAD ? tb.bytes() : ta.bytes();
        switch (pass) {
            case FPROP -> {
                m = batchN * outPixels;
                n = filters / groups;
                k = channelsPerGroup * window;
                model = "conv-fprop";
            }
            case DGRAD -> {
                m = batchN * inPixels;
                n = channelsPerGroup;
                k = filters / groups * window;
                model = "conv-dgrad";
            }
            default -> {
                m = filters / groups;
                n = channelsPerGroup * window;
                k = batchN * outPixels;
                model = "conv-wgrad";
            }
        }
        // The name's tile is in the library's own orientation for a convolution; the profile's tiles
        // stand in for it, as for the 16-bit GEMM libraries.
        GemmKernelName kernelName = new GemmKernelName(named.mode(), 0, 0, false, false);
        if (winograd && pass != Pass.WGRAD) {
            if (spatial != 2 || kernel[0] != 3 || kernel[1] != 3 || stride[0] != 1 || stride[1] != 1
                    || dilation[0] != 1 || dilation[1] != 1) {
                return "a Winograd kernel for a convolution other than 3x3, stride 1 (not modelled)";
            }
            long[] tiled = pass == Pass.FPROP ? out : in;
            m = batchN * GemmModel.ceilDiv(tiled[0], 2) * GemmModel.ceilDiv(tiled[1], 2);
            k = pass == Pass.FPROP ? channelsPerGroup : filters / groups;
            batch = 16 * groups;
            model = "conv-winograd";
        } else if (channelsPerGroup <= 4 && groups > 1) {
            kernelName = new GemmKernelName(named.mode(), 0, 0, true, false);
            model = "conv-depthwise";
        }
        boolean narrow = compute.bits() <= 8;
        return new Work(new GemmModel.Problem(batch, m, n, k, ta, tb, outElementBytes, precision, narrow, false, 0,
                kernelName, traffic), model);
    }

    /** The output extents: {@code (in + 2*pad - dilation*(kernel-1) - 1) / stride + 1}; null if unreadable. */
    private static long[] outputSize(String padding, long[] in, long[] kernel, long[] stride, long[] dilation) {
        int d = in.length;
        long[] out = new long[d];
        String p = padding.toLowerCase(Locale.ROOT).replace("'", "").replace("\"", "");
        if (p.equals("same")) {
            return in.clone();
        }
        long[] pad = p.equals("valid") ? new long[d] : ints(padding, d, 0);
        if (pad == null) {
            return null;
        }
        for (int i = 0; i < d; i++) {
            out[i] = (in[i] + 2 * pad[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i] + 1;
        }
        return out;
    }

    /**
     * A recorded int list ({@code "[2, 2]"}, {@code "(1, 1)"} or {@code "2"}, a single value standing
     * for every dimension); {@code fallback} in every dimension when absent; null when unreadable.
     */
    static long[] ints(String text, int dims, long fallback) {
        long[] v = new long[dims];
        if (text == null) {
            java.util.Arrays.fill(v, fallback);
            return v;
        }
        String t = text.replace("[", "").replace("]", "").replace("(", "").replace(")", "").trim();
        List<Long> values = new ArrayList<>();
        try {
            for (String part : t.split(",")) {
                if (!part.isBlank()) {
                    values.add(Long.parseLong(part.trim()));
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        if (values.size() == 1) {
            java.util.Arrays.fill(v, values.get(0));
        } else if (values.size() == dims) {
            for (int i = 0; i < dims; i++) {
                v[i] = values.get(i);
            }
        } else {
            return null;
        }
        for (long x : v) {
            if (x < 0) {
                return null;
            }
        }
        return v;
    }

    private static long product(long[] v) {
        long p = 1;
        for (long x : v) {
            p *= x;
        }
        return p;
    }
}
