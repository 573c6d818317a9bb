package io.flowsim.plugin.analytical;

import java.util.function.ToDoubleFunction;

/**
 * Minimizes a function of a few bounded parameters: cyclic coordinate search (along each coordinate
 * in turn, a coarse scan of the whole range finds the best region and a golden-section search refines
 * it), then a Nelder-Mead simplex in the box to move coupled parameters together, then coordinate
 * sweeps again. Derivative-free, deterministic, and it never leaves the bounds (the objective is
 * never evaluated outside them). Suited to the model's piecewise-smooth objectives (tile and wave
 * counts make them step-wise).
 */
final class BoundedMinimizer {

    private static final int SCAN_POINTS = 9;
    private static final int GOLDEN_STEPS = 14;
    private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;

    private BoundedMinimizer() {
    }

    /** The result: the best point and its value. */
    record Result(double[] x, double value, int evaluations) {
    }

    static Result minimize(ToDoubleFunction<double[]> f, double[] start, double[] lower, double[] upper, int sweeps) {
        int n = start.length;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = clamp(start[i], lower[i], upper[i]);
        }
        int[] evaluations = {0};
        ToDoubleFunction<double[]> counted = p -> {
            evaluations[0]++;
            double v = f.applyAsDouble(p);
            return Double.isNaN(v) ? Double.MAX_VALUE : v;
        };
        double best = counted.applyAsDouble(x);
        for (int sweep = 0; sweep < sweeps; sweep++) {
            double before = best;
            for (int i = 0; i < n; i++) {
                if (upper[i] <= lower[i]) {
                    continue;
                }
                double span = upper[i] - lower[i];
                double bestT = x[i];
                double bestV = best;
                double[] probe = x.clone();
                for (int s = 0; s < SCAN_POINTS; s++) {
                    double t = lower[i] + span * s / (SCAN_POINTS - 1);
                    probe[i] = t;
                    double v = counted.applyAsDouble(probe);
                    if (v < bestV) {
                        bestV = v;
                        bestT = t;
                    }
                }
                double step = span / (SCAN_POINTS - 1);
                double a = Math.max(lower[i], bestT - step);
                double b = Math.min(upper[i], bestT + step);
                double c = b - GOLDEN * (b - a);
                double d = a + GOLDEN * (b - a);
                probe[i] = c;
                double fc = counted.applyAsDouble(probe);
                probe[i] = d;
                double fd = counted.applyAsDouble(probe);
                for (int g = 0; g < GOLDEN_STEPS; g++) {
                    if (fc < fd) {
                        b = d;
                        d = c;
                        fd = fc;
                        c = b - GOLDEN * (b - a);
                        probe[i] = c;
                        fc = counted.applyAsDouble(probe);
                    } else {
                        a = c;
                        c = d;
                        fc = fd;
                        d = a + GOLDEN * (b - a);
                        probe[i] = d;
                        fd = counted.applyAsDouble(probe);
                    }
                }
                if (fc < bestV) {
                    bestV = fc;
                    bestT = c;
                }
                if (fd < bestV) {
                    bestV = fd;
                    bestT = d;
                }
                if (bestV < best) {
                    best = bestV;
                    x[i] = bestT;
                }
            }
            if (before - best <= 1e-6 * Math.max(1e-12, Math.abs(before))) {
                break;
            }
        }
        double[] polished = simplex(counted, x, best, lower, upper, 60 * n);
        double polishedValue = counted.applyAsDouble(polished);
        if (polishedValue < best) {
            best = polishedValue;
            x = polished;
            if (sweeps > 1) {
                Result again = minimize(f, x, lower, upper, Math.max(1, sweeps / 2));
                if (again.value() < best) {
                    return new Result(again.x(), again.value(), evaluations[0] + again.evaluations());
                }
            }
        }
        return new Result(x, best, evaluations[0]);
    }

    /** Nelder-Mead in the box (points are clamped into it), started around {@code start}. */
    private static double[] simplex(ToDoubleFunction<double[]> f, double[] start, double startValue, double[] lower,
                                    double[] upper, int maxEvaluations) {
        int n = start.length;
        double[][] points = new double[n + 1][];
        double[] values = new double[n + 1];
        points[0] = start.clone();
        values[0] = startValue;
        for (int i = 0; i < n; i++) {
            double[] p = start.clone();
            double step = 0.1 * (upper[i] - lower[i]);
            p[i] = p[i] + step <= upper[i] ? p[i] + step : p[i] - step;
            points[i + 1] = clampAll(p, lower, upper);
            values[i + 1] = f.applyAsDouble(points[i + 1]);
        }
        int evaluations = n;
        while (evaluations < maxEvaluations) {
            Integer[] order = new Integer[n + 1];
            for (int i = 0; i <= n; i++) {
                order[i] = i;
            }
            final double[] v = values;
            java.util.Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
            double[][] sortedPoints = new double[n + 1][];
            double[] sortedValues = new double[n + 1];
            for (int i = 0; i <= n; i++) {
                sortedPoints[i] = points[order[i]];
                sortedValues[i] = values[order[i]];
            }
            points = sortedPoints;
            values = sortedValues;
            if (values[n] - values[0] <= 1e-9 * Math.max(1e-12, Math.abs(values[0]))) {
                break;
            }
            double[] centroid = new double[n];
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < n; d++) {
                    centroid[d] += points[i][d] / n;
                }
            }
            double[] reflected = clampAll(along(centroid, points[n], -1), lower, upper);
            double fr = f.applyAsDouble(reflected);
            evaluations++;
            if (fr < values[0]) {
                double[] expanded = clampAll(along(centroid, points[n], -2), lower, upper);
                double fe = f.applyAsDouble(expanded);
                evaluations++;
                points[n] = fe < fr ? expanded : reflected;
                values[n] = Math.min(fe, fr);
            } else if (fr < values[n - 1]) {
                points[n] = reflected;
                values[n] = fr;
            } else {
                double[] contracted = clampAll(along(centroid, points[n], 0.5), lower, upper);
                double fc = f.applyAsDouble(contracted);
                evaluations++;
                if (fc < values[n]) {
                    points[n] = contracted;
                    values[n] = fc;
                } else {
                    for (int i = 1; i <= n; i++) {
                        for (int d = 0; d < n; d++) {
                            points[i][d] = points[0][d] + 0.5 * (points[i][d] - points[0][d]);
                        }
                        values[i] = f.applyAsDouble(points[i]);
                        evaluations++;
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i <= n; i++) {
            if (values[i] < values[best]) {
                best = i;
            }
        }
        return points[best];
    }

    /** {@code centroid + t * (point - centroid)}. */
    private static double[] along(double[] centroid, double[] point, double t) {
        double[] r = new double[centroid.length];
        for (int d = 0; d < r.length; d++) {
            r[d] = centroid[d] + t * (point[d] - centroid[d]);
        }
        return r;
    }

    private static double[] clampAll(double[] p, double[] lower, double[] upper) {
        for (int d = 0; d < p.length; d++) {
            p[d] = clamp(p[d], lower[d], upper[d]);
        }
        return p;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
