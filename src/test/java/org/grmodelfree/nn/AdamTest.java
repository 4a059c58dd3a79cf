package org.grmodelfree.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Adam against a double-precision transcription of Kingma and Ba's algorithm 1. */
class AdamTest {

    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-7;

    private final Random rand = new Random(345);

    /** 37 = several full vectors plus a scalar tail on any lane count. */
    private Param param(String name, int n) {
        Param p = new Param(name, 1, n);
        for (int i = 0; i < n; i++) {
            p.value().data[i] = (float) rand.nextGaussian();
        }
        return p;
    }

    private void randomGrad(Param p, double scale) {
        for (int i = 0; i < p.size(); i++) {
            p.grad().data[i] = (float) (scale * rand.nextGaussian());
        }
    }

    /** Reference state for one tensor, in double. */
    private static final class Ref {
        final double[] w;
        final double[] m;
        final double[] v;
        int t;

        Ref(float[] w0) {
            w = new double[w0.length];
            for (int i = 0; i < w0.length; i++) {
                w[i] = w0[i];
            }
            m = new double[w0.length];
            v = new double[w0.length];
        }

        void step(float[] grad, double lr, double wd) {
            t++;
            for (int i = 0; i < w.length; i++) {
                double g = grad[i] + wd * w[i];
                m[i] = B1 * m[i] + (1 - B1) * g;
                v[i] = B2 * v[i] + (1 - B2) * g * g;
                double mHat = m[i] / (1 - Math.pow(B1, t));
                double vHat = v[i] / (1 - Math.pow(B2, t));
                w[i] -= lr * mHat / (Math.sqrt(vHat) + EPS);
            }
        }
    }

    private static void assertMatches(Ref ref, Param p, String when) {
        for (int i = 0; i < ref.w.length; i++) {
            assertEquals(ref.w[i], p.value().data[i], 2e-6 * Math.max(1, Math.abs(ref.w[i])), when + ", entry " + i);
        }
    }

    @Test
    void firstStepMovesEachWeightByTheLearningRateAgainstItsGradient() {
        Param p = param("p", 37);
        randomGrad(p, 1);
        float[] w0 = p.value().data.clone();
        new Adam(List.of(p)).step(0.01);
        for (int i = 0; i < 37; i++) {
            // bias-corrected m / sqrt(v) is g / |g| on the first step
            double g = p.grad().data[i];
            double expected = w0[i] - 0.01 * g / (Math.abs(g) + EPS);
            assertEquals(expected, p.value().data[i], 1e-6, "entry " + i);
        }
    }

    @Test
    void severalStepsMatchTheReferenceWithBiasCorrection() {
        Param p = param("p", 37);
        Param q = param("q", 5);
        Ref rp = new Ref(p.value().data);
        Ref rq = new Ref(q.value().data);
        Adam adam = new Adam(List.of(p, q));
        for (int s = 1; s <= 12; s++) {
            randomGrad(p, 0.1 * s);
            randomGrad(q, 3);
            double lr = 1e-2 / s;
            adam.step(lr);
            rp.step(p.grad().data, lr, 0);
            rq.step(q.grad().data, lr, 0);
            assertMatches(rp, p, "step " + s);
            assertMatches(rq, q, "step " + s);
            assertEquals(s, adam.steps());
        }
        // the moments are exposed live, in parameter order m0, v0, m1, v1
        float[][] mom = adam.moments();
        assertEquals(4, mom.length);
        for (int i = 0; i < 37; i++) {
            assertEquals(rp.m[i], mom[0][i], 1e-6 * Math.max(1, Math.abs(rp.m[i])));
            assertEquals(rp.v[i], mom[1][i], 1e-6 * Math.max(1, rp.v[i]));
        }
        assertEquals(5, mom[2].length);
        assertEquals(rq.v[4], mom[3][4], 1e-5 * Math.max(1, rq.v[4]));
    }

    @Test
    void weightDecayIsAddedToTheGradientOfTheSelectedParameters() {
        Param kernel = param("conv.w", 37);
        Param bias = param("conv.b", 5);
        Ref rk = new Ref(kernel.value().data);
        Ref rb = new Ref(bias.value().data);
        Adam adam = new Adam(List.of(kernel, bias)).weightDecay(0.1, p -> p.name().endsWith(".w"));
        for (int s = 1; s <= 5; s++) {
            randomGrad(kernel, 0.01);
            randomGrad(bias, 0.01);
            adam.step(1e-2);
            rk.step(kernel.grad().data, 1e-2, 0.1);
            rb.step(bias.grad().data, 1e-2, 0);
            assertMatches(rk, kernel, "kernel, step " + s);
            assertMatches(rb, bias, "bias, step " + s);
        }
        // with zero gradient, decay alone pulls every weight towards zero (decay on all parameters)
        Param z = param("z", 11);
        java.util.Arrays.fill(z.grad().data, 0f);
        float[] before = z.value().data.clone();
        new Adam(List.of(z)).weightDecay(0.5).step(1e-3);
        for (int i = 0; i < 11; i++) {
            assertTrue(Math.abs(z.value().data[i]) < Math.abs(before[i]), "entry " + i);
        }
    }

    @Test
    void resetClearsMomentsAndStepCount() {
        Param p = param("p", 37);
        float[] w0 = p.value().data.clone();
        Adam adam = new Adam(List.of(p));
        for (int s = 0; s < 4; s++) {
            randomGrad(p, 1);
            adam.step(1e-2);
        }
        adam.reset();
        assertEquals(0, adam.steps());
        for (float[] mom : adam.moments()) {
            for (float f : mom) {
                assertEquals(0f, f);
            }
        }
        // after reset a step is a first step again: the same as a fresh optimiser from the same point
        float[] w1 = p.value().data.clone();
        Param fresh = new Param("f", 1, 37);
        System.arraycopy(w1, 0, fresh.value().data, 0, 37);
        randomGrad(p, 1);
        System.arraycopy(p.grad().data, 0, fresh.grad().data, 0, 37);
        adam.step(1e-2);
        new Adam(List.of(fresh)).step(1e-2);
        assertArrayEquals(fresh.value().data, p.value().data);
        assertTrue(!java.util.Arrays.equals(w0, p.value().data));
    }

    @Test
    void stepCountAndMomentsRestoreExactly() {
        Param a = param("a", 37);
        Param b = new Param("b", 1, 37);
        System.arraycopy(a.value().data, 0, b.value().data, 0, 37);
        Adam adamA = new Adam(List.of(a));
        for (int s = 0; s < 3; s++) {
            randomGrad(a, 1);
            adamA.step(1e-2);
        }
        System.arraycopy(a.value().data, 0, b.value().data, 0, 37);
        Adam adamB = new Adam(List.of(b));
        adamB.steps(adamA.steps());
        for (int i = 0; i < 2; i++) {
            System.arraycopy(adamA.moments()[i], 0, adamB.moments()[i], 0, 37);
        }
        randomGrad(a, 1);
        System.arraycopy(a.grad().data, 0, b.grad().data, 0, 37);
        adamA.step(1e-2);
        adamB.step(1e-2);
        assertArrayEquals(a.value().data, b.value().data);
        assertSame(adamB.moments()[0], adamB.moments()[0]);
    }

    @Test
    void minimisesAQuadratic() {
        // f(w) = 1/2 sum c_i (w_i - t_i)^2, badly conditioned (c from 0.01 to 100)
        int n = 37;
        Param p = param("p", n);
        double[] c = new double[n];
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = Math.pow(10, -2 + 4.0 * i / (n - 1));
            t[i] = 3 * rand.nextGaussian();
        }
        Adam adam = new Adam(List.of(p));
        double f0 = quadratic(p, c, t);
        for (int s = 0; s < 3000; s++) {
            for (int i = 0; i < n; i++) {
                p.grad().data[i] = (float) (c[i] * (p.value().data[i] - t[i]));
            }
            adam.step(s < 2000 ? 0.05 : 0.005);
        }
        assertTrue(quadratic(p, c, t) < 1e-6 * f0, "f went from " + f0 + " to " + quadratic(p, c, t));
        for (int i = 0; i < n; i++) {
            assertEquals(t[i], p.value().data[i], 0.02, "entry " + i);
        }
    }

    private static double quadratic(Param p, double[] c, double[] t) {
        double f = 0;
        for (int i = 0; i < c.length; i++) {
            double d = p.value().data[i] - t[i];
            f += 0.5 * c[i] * d * d;
        }
        return f;
    }
}
