package io.flowsim.plugin.csv;

import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Exporter;

/**
 * Writes {@code <trace name>.csv} (one row per GPU kernel, the original FlowSim's ten columns first
 * and in its order, then ours) and {@code <trace name>.memory.csv} (one row per memcpy/memset).
 * Formats: docs/output-formats.md.
 */
public final class CsvExporter implements Exporter {

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public String description() {
        return "Per-kernel CSV (FlowSim-compatible columns first) and memcpy/memset CSV";
    }

    @Override
    public ExportSession open(ExportContext context) {
        return new CsvExportSession(context);
    }
}
