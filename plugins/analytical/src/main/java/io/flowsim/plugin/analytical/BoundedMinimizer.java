package io.flowsim.plugin.analytical;

import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.SimpleBounds;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.hipparchus.optim.nonlinear.scalar.noderiv.CMAESOptimizer;
import org.hipparchus.optim.univariate.BrentOptimizer;
import org.hipparchus.optim.univariate.MultiStartUnivariateOptimizer;
import org.hipparchus.optim.univariate.SearchInterval;
import org.hipparchus.optim.univariate.UnivariateObjectiveFunction;
import org.hipparchus.random.Well19937c;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Minimizes a function of a few bounded parameters with Hipparchus's derivative-free optimizers:
 * one parameter by Brent's method from several starts; several by rounds of Powell's BOBYQA (a
 * local, model-based search) followed by CMA-ES (a global, stochastic search, robust to the
 * step-wise objectives that tile and wave counts make), and a last BOBYQA polish. Random choices come from a generator with a fixed seed, so a fit is deterministic. The
 * objective is only evaluated inside the bounds, and the best point ever evaluated is the result
 * (an optimizer that runs out of evaluations loses nothing).
 */
final class BoundedMinimizer {

    /** The seed of every random choice: the same measurements always give the same fit. */
    static final long SEED = 20_260_101L;
    private static final int BRENT_STARTS = 8;
    private static final int BRENT_EVALUATIONS = 60;
    private static final int CMAES_EVALUATIONS_PER_PARAMETER = 100;
    private static final int BOBYQA_EVALUATIONS_PER_PARAMETER = 60;
    /** Rounds of BOBYQA (local) then CMA-ES (global, from the best point); a final BOBYQA polishes. */
    private static final int ROUNDS = 2;
    /** CMA-ES's initial step, as a fraction of each parameter's range. */
    private static final double SIGMA = 0.2;

    private BoundedMinimizer() {
    }

    /** The result: the best point and its value. */
    record Result(double[] x, double value, int evaluations) {
    }

    /** The objective restricted to the free coordinates, remembering the best point it saw. */
    private static final class Tracked {
        final ToDoubleFunction<double[]> f;
        final double[] full;
        final int[] free;
        final double[] lower;
        final double[] upper;
        double[] best;
        double bestValue = Double.POSITIVE_INFINITY;
        int evaluations;

        Tracked(ToDoubleFunction<double[]> f, double[] start, int[] free, double[] lower, double[] upper) {
            this.f = f;
            this.full = start.clone();
            this.free = free;
            this.lower = lower;
            this.upper = upper;
        }

        double value(double[] y) {
            double[] x = full.clone();
            for (int i = 0; i < free.length; i++) {
                int d = free[i];
                x[d] = Math.max(lower[d], Math.min(upper[d], y[i]));
            }
            evaluations++;
            double v = f.applyAsDouble(x);
            v = Double.isNaN(v) ? Double.MAX_VALUE : v;
            if (v < bestValue) {
                bestValue = v;
                best = x;
            }
            return v;
        }
    }

    static Result minimize(ToDoubleFunction<double[]> f, double[] start, double[] lower, double[] upper) {
        int n = start.length;
        double[] x0 = new double[n];
        List<Integer> freeList = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            x0[d] = Math.max(lower[d], Math.min(upper[d], start[d]));
            if (upper[d] > lower[d]) {
                freeList.add(d);
            }
        }
        int[] free = freeList.stream().mapToInt(Integer::intValue).toArray();
        Tracked t = new Tracked(f, x0, free, lower, upper);
        int m = free.length;
        double[] y0 = new double[m];
        double[] lo = new double[m];
        double[] hi = new double[m];
        for (int i = 0; i < m; i++) {
            y0[i] = x0[free[i]];
            lo[i] = lower[free[i]];
            hi[i] = upper[free[i]];
        }
        t.value(y0);
        try {
            if (m == 1) {
                MultiStartUnivariateOptimizer brent = new MultiStartUnivariateOptimizer(
                        new BrentOptimizer(1e-6, 1e-9), BRENT_STARTS, new Well19937c(SEED));
                brent.optimize(new MaxEval(BRENT_STARTS * BRENT_EVALUATIONS), GoalType.MINIMIZE,
                        new UnivariateObjectiveFunction(v -> t.value(new double[] {v})),
                        new SearchInterval(lo[0], hi[0], y0[0]));
            } else if (m > 1) {
                double narrowest = Double.POSITIVE_INFINITY;
                double[] sigma = new double[m];
                for (int i = 0; i < m; i++) {
                    narrowest = Math.min(narrowest, hi[i] - lo[i]);
                    sigma[i] = SIGMA * (hi[i] - lo[i]);
                }
                for (int round = 0; round < ROUNDS; round++) {
                    bobyqa(t, free, lo, hi, narrowest, m);
                    double[] from = current(t, free);
                    CMAESOptimizer cmaes = new CMAESOptimizer(100_000, Double.NEGATIVE_INFINITY, true, 0, 0,
                            new Well19937c(SEED + round), false, null);
                    optimizeQuietly(() -> cmaes.optimize(new MaxEval(CMAES_EVALUATIONS_PER_PARAMETER * m),
                            new ObjectiveFunction(t::value), GoalType.MINIMIZE, new InitialGuess(from),
                            new SimpleBounds(lo, hi), new CMAESOptimizer.Sigma(sigma),
                            new CMAESOptimizer.PopulationSize(4 + (int) (3 * Math.log(m)))));
                }
                bobyqa(t, free, lo, hi, narrowest, m);
            }
        } catch (MathIllegalStateException e) {
            // out of evaluations: the best point so far stands
        }
        return new Result(t.best, t.bestValue, t.evaluations);
    }

    /** The best point so far, in free coordinates. */
    private static double[] current(Tracked t, int[] free) {
        double[] y = new double[free.length];
        for (int i = 0; i < free.length; i++) {
            y[i] = t.best[free[i]];
        }
        return y;
    }

    /** Powell's BOBYQA from the best point so far: a local, model-based polish. */
    private static void bobyqa(Tracked t, int[] free, double[] lo, double[] hi, double narrowest, int m) {
        double[] from = current(t, free);
        BOBYQAOptimizer bobyqa = new BOBYQAOptimizer(2 * m + 1, 0.1 * narrowest, 1e-8 * narrowest);
        optimizeQuietly(() -> bobyqa.optimize(new MaxEval(BOBYQA_EVALUATIONS_PER_PARAMETER * m),
                new ObjectiveFunction(t::value), GoalType.MINIMIZE, new InitialGuess(from),
                new SimpleBounds(lo, hi)));
    }

    /** Runs one optimizer; running out of evaluations is not a failure (the tracker kept the best). */
    private static void optimizeQuietly(Runnable run) {
        try {
            run.run();
        } catch (MathIllegalStateException e) {
            // out of evaluations
        }
    }
}
