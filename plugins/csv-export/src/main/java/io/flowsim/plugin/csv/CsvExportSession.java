package io.flowsim.plugin.csv;

import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.Parameter;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.RunSummary;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Streams one row per GPU kernel (memcpy and memset are not rows) into a temporary file and moves it
 * into place on {@link #finish}.
 */
final class CsvExportSession implements ExportSession {

    static final String[] HEADER = {"Name", "Dims", "Data Type", "Input/Output", "Descriptions", "Duration (us)",
        "op", "operation", "Source Code", "Call Stack"};

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setHeader(HEADER)
            .setRecordSeparator("\r\n")
            .get();

    private final Path target;
    private final Path temporary;
    private final CSVPrinter printer;
    private boolean finished;

    CsvExportSession(ExportContext context) {
        this.target = context.outputDirectory().resolve(context.traceName() + ".csv");
        try {
            this.temporary = Files.createTempFile(context.outputDirectory(), "." + context.traceName(), ".csv.tmp");
            BufferedWriter writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8);
            this.printer = new CSVPrinter(writer, FORMAT);
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void accept(KernelResult result) {
        ResolvedKernel k = result.kernel();
        KernelRecord r = k.kernel();
        if (r.kind() != KernelKind.KERNEL) {
            return;
        }
        List<OperatorInput> inputs = r.operator().map(o -> o.inputs()).orElse(List.of());
        String dims = inputs.isEmpty() ? "N/A"
                : inputs.stream().map(i -> i.dims().format()).collect(Collectors.joining(", ", "[", "]"));
        String types = inputs.isEmpty() ? "N/A"
                : inputs.stream().map(i -> "'" + i.type() + "'").collect(Collectors.joining(", ", "[", "]"));
        try {
            printer.printRecord(r.name(), dims, types,
                    pythonList(k.parameters().stream().map(Parameter::role).toList()),
                    pythonList(k.parameters().stream().map(Parameter::description).toList()),
                    micros(r.durationNs()), k.opMapping(), k.operation(), k.sourceCode(), r.callStackString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private static String pythonList(List<String> values) {
        return values.isEmpty() ? "" : values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", ", "[", "]"));
    }

    private static String micros(long ns) {
        BigDecimal us = BigDecimal.valueOf(ns, 3).stripTrailingZeros();
        return us.scale() <= 0 ? us.setScale(1).toPlainString() : us.toPlainString();
    }

    @Override
    public List<Path> finish(RunSummary summary) {
        try {
            printer.close();
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            finished = true;
            return List.of(target);
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!finished) {
            try {
                printer.close();
            } catch (IOException ignored) {
                // the temporary file is deleted next; nothing else to release
            }
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // best effort: a leftover hidden .tmp file never looks like a complete output
            }
        }
    }
}
