package io.flowsim.plugin.tables;

import io.flowsim.api.MeasurementTableReader;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.MeasuredTable;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the measured kernel-latency tables of aiconfigurator (gemm, attention, mla, mla_bmm, moe, nccl,
 * custom_allreduce; of sglang, TensorRT-LLM and vLLM, each row mapped to its framework's kernels) and vidur (mlp,
 * all_reduce, send_recv), plain or gzip CSV, into the kernels each row timed (see {@link MeasurementTables} and
 * docs/simulator.md). Stateless.
 */
public final class MeasuredTablesReader implements MeasurementTableReader {

    @Override
    public String name() {
        return "measured-tables";
    }

    @Override
    public String description() {
        return "Reads aiconfigurator and vidur latency tables (*.csv, *.csv.gz) into the kernels each row timed";
    }

    @Override
    public boolean canRead(Path file) {
        return MeasurementTables.looksLikeTable(file);
    }

    @Override
    public MeasuredTable read(Path file, Optional<String> gpu, RunContext context) {
        return MeasurementTables.read(file, gpu);
    }
}
