package io.flowsim.runtime.cli;

import io.flowsim.api.AtomicOutput;
import io.flowsim.api.FlowsimException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes small CSV reports atomically (a temporary file, then a move). */
final class CsvFiles {

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

    private CsvFiles() {
    }

    static void write(Path file, String[] header, List<String[]> rows) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot write " + file + ": " + e.getMessage(), e);
        }
        try (AtomicOutput out = AtomicOutput.create(file)) {
            try (Writer w = Files.newBufferedWriter(out.temporary(), StandardCharsets.UTF_8);
                 CSVPrinter printer = new CSVPrinter(w, FORMAT)) {
                printer.printRecord((Object[]) header);
                for (String[] row : rows) {
                    printer.printRecord((Object[]) row);
                }
            }
            out.commit();
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
