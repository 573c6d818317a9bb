package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import io.flowsim.api.model.FittedParameter;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a calibration.
 *
 * @param output     the file written
 * @param targetName the name to simulate it by ({@code --gpu}); the fitted description answers to it
 * @param parameters every parameter fitted, with its bounds
 * @param notes      what users should know (families without data, parameters at a bound, ...)
 * @param useWith    the backend's own options that make a run use the fitted description (for the
 *                   analytical backend, its hardware-profile option with {@code output}); the runtime
 *                   adds them to score the result on the held-out data and prints them for the user
 *
 * <p>Experimental: one backend implements calibration so far (the analytical one); the contract may
 * change as others adopt it.
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record CalibrationResult(Path output, String targetName, List<FittedParameter> parameters, List<String> notes,
                                List<OptionValue<?>> useWith) {
    public CalibrationResult {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(targetName, "targetName");
        parameters = List.copyOf(Objects.requireNonNull(parameters, "parameters"));
        notes = List.copyOf(Objects.requireNonNull(notes, "notes"));
        useWith = List.copyOf(Objects.requireNonNull(useWith, "useWith"));
    }
}
