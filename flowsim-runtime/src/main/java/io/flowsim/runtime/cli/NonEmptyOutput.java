package io.flowsim.runtime.cli;

import picocli.CommandLine;

import java.nio.file.Path;

/**
 * Converters for the output options ({@code --output-dir}, {@code --output}) that refuse an empty
 * value: {@code ''} resolves to the current directory, so a run would write (and replace) its
 * outputs there, which nobody asks for on purpose. picocli reports the refusal as a usage error
 * (exit 2) naming the option.
 */
final class NonEmptyOutput {

    private NonEmptyOutput() {
    }

    static void check(String value) {
        if (value.isEmpty()) {
            throw new CommandLine.TypeConversionException("an empty path would write into the current directory;"
                    + " name the output (use '.' for the current directory)");
        }
    }

    /** A non-empty {@link Path}. */
    static final class ToPath implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            check(value);
            return Path.of(value);
        }
    }

    /** A non-empty path kept as text (a Hadoop URI or path, for {@code flowsim spark}). */
    static final class ToText implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            check(value);
            return value;
        }
    }
}
