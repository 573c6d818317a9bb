package io.flowsim.plugin.csv;

import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Exporter;

/** Writes {@code <trace name>.csv}: one row per GPU kernel, the original FlowSim's columns first. */
public final class CsvExporter implements Exporter {

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public String description() {
        return "Per-kernel CSV with FlowSim-compatible columns";
    }

    @Override
    public ExportSession open(ExportContext context) {
        return new CsvExportSession(context);
    }
}
