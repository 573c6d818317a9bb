package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What an extension gets from the runtime for one run: the user's options, a reporter for
 * messages and progress, the output directory when the command has one, and how many threads one
 * trace may keep busy.
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

    /**
     * How many threads one trace may keep busy, at least 1: a hint for extensions that could split
     * the work on one trace over threads (a trace source that decompresses on one thread while it
     * parses on another). Such an extension should use one thread (the caller's) when this is 1, and
     * may use up to this many otherwise. Results must not depend on it, only speed and CPU use.
     *
     * <p>The runtime gives the available processors divided by the number of traces it reads at
     * once (so {@code flowsim parse --jobs N} over several traces gives {@code cores / N}), and the
     * Spark job gives {@code spark.task.cpus}. The default is every available processor, right for a
     * process that reads one trace at a time.
     *
     * @since 0.1
     */
    default int threadsPerTrace() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** A simple immutable context, for tests and embedding; one trace may use every processor. */
    static RunContext of(Options options, Reporter reporter, Path outputDirectory) {
        return of(options, reporter, outputDirectory, Runtime.getRuntime().availableProcessors());
    }

    /**
     * A simple immutable context whose {@link #threadsPerTrace()} is {@code threadsPerTrace}.
     *
     * @throws IllegalArgumentException when {@code threadsPerTrace} is below 1
     */
    static RunContext of(Options options, Reporter reporter, Path outputDirectory, int threadsPerTrace) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(reporter, "reporter");
        if (threadsPerTrace < 1) {
            throw new IllegalArgumentException("threadsPerTrace must be at least 1, got " + threadsPerTrace);
        }
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

            @Override
            public int threadsPerTrace() {
                return threadsPerTrace;
            }
        };
    }
}
