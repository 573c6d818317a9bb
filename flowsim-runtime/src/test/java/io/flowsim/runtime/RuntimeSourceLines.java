package io.flowsim.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The source checks' search over the runtime's files, the same as {@code grep -rn} with a pattern. */
final class RuntimeSourceLines {

    private RuntimeSourceLines() {
    }

    /** {@code flowsim-runtime/src/main} of the checkout the tests run in. */
    static Path runtimeMain() {
        return Path.of(System.getProperty("flowsim.repo.dir", "..")).toAbsolutePath().normalize()
                .resolve("flowsim-runtime/src/main");
    }

    /** Every line of every file under {@code root} that {@code offends}, as {@code path:line: text}, in path order. */
    static List<String> matching(Path root, Predicate<String> offends) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (offends.test(lines.get(i))) {
                        found.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
