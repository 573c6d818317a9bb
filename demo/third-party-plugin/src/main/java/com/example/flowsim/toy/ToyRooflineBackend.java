package com.example.flowsim.toy;

import io.flowsim.api.ExtensionOption;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * EXAMPLE ONLY — a toy simulator backend that shows how a third party extends FlowSim. It is not a
 * model to trust: it predicts a GEMM as {@code max(FLOPs / peak, bytes / bandwidth)} with two
 * made-up round numbers, and says "unsupported" for everything else.
 *
 * <p>Options, declared below so that FlowSim shows them in {@code --help} and {@code flowsim plugins}
 * and checks their type: {@code --example-toy-roofline.tflops X} (default 500) and
 * {@code --example-toy-roofline.tbps X} (default 3); the older spellings {@code -O toy.tflops=X} and
 * {@code -O toy.tbps=X} still work (they are aliases).
 */
public final class ToyRooflineBackend implements SimulatorBackend {

    /** Peak compute of the toy roofline, in TFLOP/s. */
    public static final ExtensionOption<Double> TFLOPS = ExtensionOption.decimal("example-toy-roofline.tflops",
            "EXAMPLE ONLY: peak TFLOP/s of the toy roofline").withDefault(500.0).alias("--toy.tflops");
    /** Memory bandwidth of the toy roofline, in TB/s. */
    public static final ExtensionOption<Double> TBPS = ExtensionOption.decimal("example-toy-roofline.tbps",
            "EXAMPLE ONLY: memory bandwidth of the toy roofline in TB/s").withDefault(3.0).alias("--toy.tbps");

    @Override
    public String name() {
        return "example-toy-roofline";
    }

    @Override
    public String description() {
        return "EXAMPLE ONLY: toy GEMM roofline from a third-party plugin";
    }

    @Override
    public List<ExtensionOption<?>> declaredOptions() {
        return List.of(TFLOPS, TBPS);
    }

    @Override
    public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target, RunContext context) {
        double flopsPerNs = context.options().get(TFLOPS) * 1e3;
        double bytesPerNs = context.options().get(TBPS) * 1e3;
        List<SimulationResult> results = new ArrayList<>(batch.size());
        for (SimulationRequest request : batch) {
            results.add(predict(request, flopsPerNs, bytesPerNs));
        }
        return results;
    }

    private SimulationResult predict(SimulationRequest r, double flopsPerNs, double bytesPerNs) {
        if (r.family() != OperationFamily.GEMM) {
            return SimulationResult.unsupported("the toy backend only models GEMMs", name());
        }
        Optional<Operand> a = r.operand("A");
        Optional<Operand> b = r.operand("B");
        if (a.isEmpty() || b.isEmpty() || a.get().shape().size() < 2 || b.get().shape().size() < 2) {
            return SimulationResult.unsupported("no GEMM operand shapes", name());
        }
        List<Long> as = a.get().shape();
        List<Long> bs = b.get().shape();
        double m = 1;
        for (int i = 0; i < as.size() - 1; i++) {
            m *= as.get(i);
        }
        double k = as.get(as.size() - 1);
        double n = bs.get(bs.size() - 1);
        double flops = 2 * m * n * k;
        double bytes = a.get().bytes() + b.get().bytes() + m * n * a.get().dataType().bytes();
        long ns = Math.round(Math.max(flops / flopsPerNs, bytes / bytesPerNs));
        return SimulationResult.ok(ns, name(), Map.of("flops", String.valueOf((long) flops)));
    }

    @Override
    public List<String> notes(HardwareTarget target, RunContext context) {
        return List.of("example-toy-roofline is a demonstration plugin; its numbers are not a real model");
    }
}
