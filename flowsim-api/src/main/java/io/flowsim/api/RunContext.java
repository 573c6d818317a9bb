package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What an extension gets from the runtime for one run: the user's options, a reporter for
 * messages and progress, and the output directory when the command has one.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface RunContext {

    /** The options of this run. */
    Options options();

    /** Where to report messages and progress. */
    Reporter reporter();

    /** The run's output directory, if the command writes one (it exists when present). */
    Optional<Path> outputDirectory();

    /** A simple immutable context, for tests and embedding. */
    static RunContext of(Options options, Reporter reporter, Path outputDirectory) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(reporter, "reporter");
        Optional<Path> output = Optional.ofNullable(outputDirectory);
        return new RunContext() {
            @Override
            public Options options() {
                return options;
            }

            @Override
            public Reporter reporter() {
                return reporter;
            }

            @Override
            public Optional<Path> outputDirectory() {
                return output;
            }
        };
    }
}
