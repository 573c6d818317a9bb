package io.flowsim.runtime.measurements;

import io.flowsim.api.model.Measurement;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits measurements deterministically into a fitting part and a held-out part by the SHA-256 of
 * their {@link Measurement#key()}: the same configuration always falls on the same side, whatever
 * the order of the input, the run or the machine, and repeated measurements of one configuration
 * never straddle the split.
 *
 * @param heldOutFraction the share of keys held out, in [0, 1)
 */
public record HoldOutSplit(double heldOutFraction) {

    public HoldOutSplit {
        if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must be in [0, 1): " + heldOutFraction);
        }
    }

    /** A key's position in [0, 1), uniform over keys. */
    public static double position(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 7; i++) {
                bits = (bits << 8) | (d[i] & 0xff);
            }
            return bits / (double) (1L << 56);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether a measurement is held out from fitting. */
    public boolean isHeldOut(Measurement m) {
        return position(m.key()) < heldOutFraction;
    }

    /**
     * Both parts, in input order; each key is hashed once.
     *
     * @param fitting measurements to fit on
     * @param heldOut measurements to score on
     */
    public record Parts(List<Measurement> fitting, List<Measurement> heldOut) {
    }

    /** Splits the measurements into the fitting and the held-out part. */
    public Parts partition(List<Measurement> all) {
        List<Measurement> fitting = new ArrayList<>();
        List<Measurement> heldOut = new ArrayList<>();
        for (Measurement m : all) {
            (isHeldOut(m) ? heldOut : fitting).add(m);
        }
        return new Parts(fitting, heldOut);
    }

    /** The fitting part, in input order. */
    public List<Measurement> fitting(List<Measurement> all) {
        return partition(all).fitting();
    }

    /** The held-out part, in input order. */
    public List<Measurement> heldOut(List<Measurement> all) {
        return partition(all).heldOut();
    }
}
