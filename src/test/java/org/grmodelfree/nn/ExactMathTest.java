package org.grmodelfree.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

class ExactMathTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void expIsAccurateOverTheFloatRange() {
        double worst = 0;
        for (float x = -87f; x <= 88f; x += 0.0137f) {
            double rel = Math.abs(ExactMath.exp(x) - Math.exp(x)) / Math.exp(x);
            worst = Math.max(worst, rel);
        }
        assertTrue(worst < 5e-7, "worst relative error " + worst);
        assertEquals(1f, ExactMath.exp(0f));
        assertTrue(ExactMath.exp(-1000f) < 1e-37f && ExactMath.exp(-1000f) >= 0f);
        assertTrue(Float.isFinite(ExactMath.exp(1000f)));
    }

    @Test
    void tanhIsAccurateAndSaturates() {
        double worst = 0;
        for (float x = -12f; x <= 12f; x += 0.0031f) {
            worst = Math.max(worst, Math.abs(ExactMath.tanh(x) - Math.tanh(x)));
        }
        assertTrue(worst < 3e-7, "worst absolute error " + worst);
        assertEquals(1f, ExactMath.tanh(50f));
        assertEquals(-1f, ExactMath.tanh(-50f));
    }

    @Test
    void vectorLanesEqualTheScalarFunctionBitForBit() {
        float[] in = new float[S.length() * 512];
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (r.nextDouble() * 200 - 100);
        }
        float[] e = new float[in.length];
        float[] t = new float[in.length];
        for (int i = 0; i < in.length; i += S.length()) {
            ExactMath.exp(FloatVector.fromArray(S, in, i)).intoArray(e, i);
            ExactMath.tanh(FloatVector.fromArray(S, in, i)).intoArray(t, i);
        }
        for (int i = 0; i < in.length; i++) {
            assertEquals(Float.floatToRawIntBits(ExactMath.exp(in[i])), Float.floatToRawIntBits(e[i]), "exp " + in[i]);
            assertEquals(Float.floatToRawIntBits(ExactMath.tanh(in[i])), Float.floatToRawIntBits(t[i]), "tanh " + in[i]);
        }
    }

    @Test
    void sumLanesAddsInLaneOrder() {
        float[] v = new float[S.length()];
        float expected = 0f;
        for (int i = 0; i < v.length; i++) {
            v[i] = i == 0 ? 1e8f : 1f;
            expected += v[i];
        }
        assertEquals(expected, ExactMath.sumLanes(FloatVector.fromArray(S, v, 0)));
    }

    @Test
    void expNonPositiveIsBitForBitExpBelowZero() {
        VectorSpecies<Float> sp = FloatVector.SPECIES_PREFERRED;
        int l = sp.length();
        java.util.Random g = new java.util.Random(9);
        float[] special = {0f, -0f, -1e-30f, -1e-7f, -0.34657f, -0.6931472f, -1f, -20f, -87.29f, -87.3f, -87.31f, -100f,
            -1e30f, Float.NEGATIVE_INFINITY, Float.NaN, -Float.MIN_VALUE};
        float[] x = new float[64 * l];
        for (int i = 0; i < x.length; i++) {
            x[i] = i < special.length ? special[i] : (float) -Math.abs(g.nextGaussian() * (i % 3 == 0 ? 40 : 2));
        }
        float[] a = new float[x.length];
        float[] b = new float[x.length];
        for (int i = 0; i < x.length; i += l) {
            ExactMath.exp(FloatVector.fromArray(sp, x, i)).intoArray(a, i);
            ExactMath.expNonPositive(FloatVector.fromArray(sp, x, i)).intoArray(b, i);
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "exp(" + x[i] + ")");
        }
    }
}
