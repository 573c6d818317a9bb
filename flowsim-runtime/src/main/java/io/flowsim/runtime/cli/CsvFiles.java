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

    /**
     * Reserves {@code file} for a CSV written later (its directory created, a temporary file beside it):
     * a target that is an input of the run is refused now, before any work.
     */
    static AtomicOutput reserve(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot write " + file + ": " + e.getMessage(), e);
        }
        return AtomicOutput.create(file);
    }

    /** Writes the CSV into a reserved output and moves it into place. */
    static void write(AtomicOutput out, String[] header, List<String[]> rows) {
        try (Writer w = Files.newBufferedWriter(out.temporary(), StandardCharsets.UTF_8);
             CSVPrinter printer = new CSVPrinter(w, FORMAT)) {
            printer.printRecord((Object[]) header);
            for (String[] row : rows) {
                printer.printRecord((Object[]) row);
            }
        } catch (IOException e) {
            throw out.writeFailed(e);
        }
        out.commit();
    }

    static void write(Path file, String[] header, List<String[]> rows) {
        try (AtomicOutput out = reserve(file)) {
            write(out, header, rows);
        }
    }
}
