package io.flowsim.plugin.kernels;

import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Exporter;

/**
 * Writes {@code unknown_kernels.json} into the output directory: one entry per GPU kernel name
 * that no database resolved (resolved by heuristics only, or not at all), in the kernels.json
 * format, with example dimensions and types from the trace, its occurrence count and total time,
 * largest total time first. The file is rewritten on every run, never appended to. Its
 * {@code "$schema"} names {@value #SCHEMA_FILE_NAME}, the kernels.json JSON Schema, written beside it
 * so that editors validate and complete entries as they are filled in.
 */
public final class UnknownKernelsExporter implements Exporter {

    /** The file name written into the output directory. */
    public static final String FILE_NAME = "unknown_kernels.json";
    /** The JSON Schema written beside {@link #FILE_NAME}. */
    public static final String SCHEMA_FILE_NAME = "kernels.schema.json";

    @Override
    public String name() {
        return "unknown-kernels";
    }

    @Override
    public String description() {
        return "Kernels no database resolved, as kernels.json entries to complete (unknown_kernels.json)";
    }

    @Override
    public ExportSession open(ExportContext context) {
        return new UnknownKernelsSession(context);
    }
}
