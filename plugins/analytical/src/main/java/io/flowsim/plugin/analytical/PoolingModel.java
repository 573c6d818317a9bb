package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Operand;
import io.flowsim.api.model.SimulationRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pooling (max, average, adaptive; forward and backward) as memory-bound work over its windows.
 *
 * <p>Every output element reduces one window of {@code prod(kernel)} input elements. The distinct
 * input elements come from HBM once (fewer when the stride skips some), the output is written once
 * (max pooling with indices also writes an int64 index per output), and the window loads beyond the
 * first read of an element, which overlapping windows ({@code stride < kernel}) repeat, are served by
 * L1/L2 at {@code window_cache_ratio} times the HBM bandwidth. Backward passes write the input's
 * gradient once and read the output's gradient (and max pooling's indices); each input element
 * gathers from the {@code prod(ceil(kernel / stride))} outputs whose windows may cover it. Time:
 * {@code t0 + max(hbm_bytes / (B * e), window_bytes / (B * e * window_cache_ratio))} with the
 * reduction family's {@code e} and {@code t0}.
 *
 * <p>The request carries the pooling geometry as attributes (kernels.json maps them from the
 * operator's recorded arguments): {@code pooling.kind} ({@code max}, {@code avg}, {@code adaptive_avg},
 * {@code adaptive_max}), {@code pooling.pass} ({@code forward}, {@code backward}),
 * {@code pooling.kernel_size}, {@code pooling.stride}, {@code pooling.padding}, {@code pooling.dilation},
 * {@code pooling.ceil_mode} (lists such as {@code [3, 3]} or one number for every spatial dimension),
 * {@code pooling.dims} (spatial dimensions: 1, 2 or 3) and, for adaptive pooling, {@code pooling.output_size}
 * (taken from the output gradient's shape in a backward pass).
 */
final class PoolingModel {

    static final String KIND = "pooling.kind";
    static final String PASS = "pooling.pass";
    static final String KERNEL_SIZE = "pooling.kernel_size";
    static final String STRIDE = "pooling.stride";
    static final String PADDING = "pooling.padding";
    static final String DILATION = "pooling.dilation";
    static final String CEIL_MODE = "pooling.ceil_mode";
    static final String OUTPUT_SIZE = "pooling.output_size";
    static final String DIMS = "pooling.dims";

    private PoolingModel() {
    }

    /** Whether the request is a pooling kernel this model describes. */
    static boolean applies(SimulationRequest r) {
        return RequestView.text(r, KIND) != null;
    }

    /**
     * The window geometry of one pooling call: input and output spatial sizes, the window extent and
     * stride per spatial dimension, and per dimension the summed extent of all its windows (windows are
     * separable, so the loads of all windows are {@code batchChannels * prod(windowSum)}).
     */
    record Geometry(long batchChannels, long[] input, long[] output, long[] kernel, long[] stride, long[] windowSum) {

        long inputElements() {
            return batchChannels * product(input);
        }

        long outputElements() {
            return batchChannels * product(output);
        }

        /** Input elements all windows load together. */
        double windowLoads() {
            double loads = batchChannels;
            for (long w : windowSum) {
                loads *= w;
            }
            return loads;
        }

        /** The average window, in input elements. */
        double window() {
            return windowLoads() / outputElements();
        }

        /** Outputs whose windows may cover one input element (what a backward gather visits). */
        long overlap() {
            long o = 1;
            for (int i = 0; i < kernel.length; i++) {
                o *= Math.max(1, GemmModel.ceilDiv(kernel[i], Math.max(1, stride[i])));
            }
            return o;
        }
    }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        Object parsed = geometry(r);
        if (parsed instanceof String reason) {
            return Estimate.unsupported(reason);
        }
        Geometry g = (Geometry) parsed;
        String kind = RequestView.text(r, KIND).trim().toLowerCase(Locale.ROOT);
        boolean max = kind.contains("max");
        boolean backward = "backward".equalsIgnoreCase(String.valueOf(RequestView.text(r, PASS)).trim());
        Operand data = dataOperand(r, backward);
        double bytesPerElement = data.dataType().bytes();
        if (bytesPerElement <= 0) {
            return Estimate.unsupported("pooling with an operand of unknown type");
        }
        double in = g.inputElements();
        double out = g.outputElements();
        double hbm;
        double window;
        if (!backward) {
            hbm = Math.min(in, g.windowLoads()) * bytesPerElement + out * bytesPerElement + (max ? out * 8.0 : 0);
            window = g.windowLoads() * bytesPerElement;
        } else {
            hbm = in * bytesPerElement + out * bytesPerElement + (max ? out * 8.0 : 0);
            // Each input element gathers from the outputs whose windows may cover it: their gradient,
            // and for max pooling their index.
            window = in * g.overlap() * (bytesPerElement + (max ? 8.0 : 0));
        }
        double bandwidth = hw.hbmBytesPerSecond() * hw.get(Param.REDUCTION_MEMORY_EFFICIENCY);
        double fromMemory = hbm / bandwidth;
        double fromCache = window / (bandwidth * hw.get(Param.POOLING_WINDOW_CACHE_RATIO));
        double fixed = hw.get(Param.REDUCTION_FIXED_LATENCY_US) * 1e-6;
        double body = Math.max(fromMemory, fromCache);
        String model = backward ? "pooling-backward" : "pooling";
        return Estimate.of(fixed + body, model, fixed > body ? "latency" : fromCache > fromMemory ? "cache" : "memory");
    }

    /** The tensor whose type sets the element size: the input forward, the output's gradient backward. */
    private static Operand dataOperand(SimulationRequest r, boolean backward) {
        Operand o = backward ? RequestView.operand(r, "grad_output") : RequestView.operand(r, "input", "self");
        return o != null ? o : r.operands().get(0);
    }

    /** The geometry, or a reason why the request does not give it. */
    static Object geometry(SimulationRequest r) {
        if (!RequestView.hasShapes(r)) {
            return "no operand shapes";
        }
        String kind = RequestView.text(r, KIND).trim().toLowerCase(Locale.ROOT);
        boolean backward = "backward".equalsIgnoreCase(String.valueOf(RequestView.text(r, PASS)).trim());
        // Backward kernels get the forward input as 'input' (its shape is the gradient's).
        Operand input = RequestView.operand(r, "input", "self");
        if (input == null || input.shape().size() < 2) {
            return "pooling needs its input [N, C, spatial...] (operand 'input')";
        }
        boolean adaptive = kind.startsWith("adaptive");
        Operand gradOut = backward ? RequestView.operand(r, "grad_output") : null;
        long[] kernel = ints(RequestView.text(r, adaptive ? OUTPUT_SIZE : KERNEL_SIZE));
        double dims = RequestView.number(r, DIMS, 0);
        int spatial = dims >= 1 && dims <= 3 ? (int) dims
                : kernel != null && kernel.length > 1 ? kernel.length : Math.min(2, input.shape().size() - 1);
        if ((kernel == null || kernel.length == 0) && adaptive && gradOut != null && gradOut.shape().size() > spatial) {
            // An adaptive backward pass: the output size is the shape of the output's gradient.
            kernel = new long[spatial];
            for (int i = 0; i < spatial; i++) {
                kernel[i] = RequestView.dimFromEnd(gradOut, spatial - i);
            }
        }
        if (kernel == null || kernel.length == 0) {
            return "pooling without its " + (adaptive ? OUTPUT_SIZE : KERNEL_SIZE) + " (the operator's arguments"
                    + " were not recorded)";
        }
        if (input.shape().size() <= spatial) {
            return "pooling input " + input.shape() + " has fewer than " + (spatial + 1) + " dimensions";
        }
        long[] in = new long[spatial];
        long batchChannels = 1;
        int lead = input.shape().size() - spatial;
        for (int i = 0; i < lead; i++) {
            batchChannels *= input.shape().get(i);
        }
        for (int i = 0; i < spatial; i++) {
            in[i] = input.shape().get(lead + i);
        }
        long[] out = new long[spatial];
        long[] window = new long[spatial];
        long[] stride = new long[spatial];
        long[] windowSum = new long[spatial];
        if (adaptive) {
            for (int i = 0; i < spatial; i++) {
                long o = at(kernel, i, 1);
                if (o <= 0) {
                    o = in[i];
                }
                out[i] = o;
                // Window j runs from floor(j * in / out) to ceil((j + 1) * in / out): their extents sum to
                // in + (number of windows whose ends are not aligned), computed exactly.
                long sum = 0;
                long widest = 0;
                for (long j = 0; j < o; j++) {
                    long start = Math.floorDiv(j * in[i], o);
                    long end = GemmModel.ceilDiv((j + 1) * in[i], o);
                    sum += end - start;
                    widest = Math.max(widest, end - start);
                }
                windowSum[i] = sum;
                window[i] = widest;
                stride[i] = Math.max(1, in[i] / o);
            }
        } else {
            long[] strides = ints(RequestView.text(r, STRIDE));
            long[] padding = ints(RequestView.text(r, PADDING));
            long[] dilation = ints(RequestView.text(r, DILATION));
            boolean ceil = RequestView.flag(r, CEIL_MODE, false);
            for (int i = 0; i < spatial; i++) {
                long k = at(kernel, i, 1);
                long s = strides == null || strides.length == 0 ? k : at(strides, i, k);
                long p = padding == null ? 0 : at(padding, i, 0);
                long d = dilation == null ? 1 : at(dilation, i, 1);
                if (k <= 0 || s <= 0 || p < 0 || d <= 0) {
                    return "pooling with a non-positive kernel, stride or dilation, or a negative padding";
                }
                double span = in[i] + 2.0 * p - d * (k - 1) - 1;
                long o = (long) (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
                // PyTorch's ceil mode drops a last window that would start in the right padding.
                if (ceil && (o - 1) * s >= in[i] + p) {
                    o--;
                }
                if (o <= 0) {
                    return "pooling window " + k + " larger than its padded input " + in[i];
                }
                out[i] = o;
                window[i] = k;
                stride[i] = s;
                windowSum[i] = o * k;
            }
        }
        if (backward) {
            if (gradOut != null && gradOut.shape().size() >= spatial) {
                for (int i = 0; i < spatial; i++) {
                    long o = RequestView.dimFromEnd(gradOut, spatial - i);
                    if (!adaptive && o != out[i]) {
                        windowSum[i] = o * window[i];
                    }
                    out[i] = o;
                }
            }
        }
        return new Geometry(batchChannels, in, out, window, stride, windowSum);
    }

    private static long at(long[] values, int i, long fallback) {
        if (values == null || values.length == 0) {
            return fallback;
        }
        return values.length == 1 ? values[0] : i < values.length ? values[i] : fallback;
    }

    private static long product(long[] values) {
        long p = 1;
        for (long v : values) {
            p *= v;
        }
        return p;
    }

    /** {@code [3, 3]}, {@code (3, 3)}, {@code 3}: the integers of a recorded argument; null when absent or not integers. */
    static long[] ints(String text) {
        if (text == null) {
            return null;
        }
        String t = text.replace("[", " ").replace("]", " ").replace("(", " ").replace(")", " ").trim();
        if (t.isEmpty()) {
            return new long[0];
        }
        List<Long> values = new ArrayList<>();
        for (String part : t.split("[,\\s]+")) {
            try {
                values.add(Long.parseLong(part.trim()));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        long[] a = new long[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }
}
