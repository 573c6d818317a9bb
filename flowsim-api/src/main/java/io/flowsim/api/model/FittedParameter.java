package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;

/**
 * One model parameter a calibration fitted.
 *
 * @param family  the operation family or model part it belongs to ({@code gemm}, {@code attention})
 * @param name    the parameter's name ({@code compute_efficiency})
 * @param before  its value before the fit
 * @param after   its fitted value, within {@code [lower, upper]}
 * @param lower   the lower bound the fit respected
 * @param upper   the upper bound the fit respected (physical limits: an efficiency never exceeds 1)
 * @param samples measurements the fit used for this parameter's family
 *
 * <p>Experimental: one backend implements calibration so far (the analytical one); the contract may
 * change as others adopt it.
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record FittedParameter(String family, String name, double before, double after, double lower, double upper,
                              long samples) {
    public FittedParameter {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(name, "name");
        if (!(lower <= upper)) {
            throw new IllegalArgumentException("parameter " + family + "." + name + ": lower bound above upper bound");
        }
    }
}
