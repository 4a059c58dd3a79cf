package org.grmodelfree.nn;

import static jdk.incubator.vector.VectorOperators.LSHL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * exp and tanh built only from operations that IEEE 754 defines exactly (add, multiply, fused
 * multiply-add, divide, integer shifts), so they give the same bits whether the JIT has compiled
 * the caller or not, and the scalar versions give the same bits as each vector lane. The JDK's
 * own vector EXP and TANH map to different implementations in compiled and interpreted code,
 * which made two runs with the same seed drift apart; training is reproducible with these.
 *
 * <p>exp: x = n ln2 + r with n rounded to nearest, exp(r) by a degree-6 polynomial (Cephes expf
 * coefficients, relative error about 2 ulp), times 2^n from the exponent bits. Inputs are clamped
 * to [-87.3, 88.3]: below it the result is about 1e-38 instead of 0.
 */
public final class ExactMath {
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float LO = -87.3f;
    private static final float HI = 88.3f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;
    private static final float TANH_CLAMP = 9f;

    private ExactMath() {
    }

    /** e^x lane by lane. */
    public static FloatVector exp(FloatVector x) {
        FloatVector v = x.max(LO).min(HI);
        FloatVector shifted = v.mul(LOG2E).add(ROUND);
        FloatVector y = reducedExp(v, shifted);
        IntVector bits = ((IntVector) shifted.reinterpretAsInts()).sub(ROUND_BITS).add(127).lanewise(LSHL, 23);
        return y.mul((FloatVector) bits.reinterpretAsFloats());
    }

    /**
     * e^r for the remainder r = v - n ln 2 of v (n = shifted - ROUND, the rounded v log2 e): the
     * part both exponentials share, before the 2^n scaling.
     */
    private static FloatVector reducedExp(FloatVector v, FloatVector shifted) {
        FloatVector n = shifted.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(v.species(), -LN2_HI), v);
        r = n.fma(FloatVector.broadcast(v.species(), -LN2_LO), r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, FloatVector.broadcast(v.species(), P2));
        p = p.fma(r, FloatVector.broadcast(v.species(), P3));
        p = p.fma(r, FloatVector.broadcast(v.species(), P4));
        p = p.fma(r, FloatVector.broadcast(v.species(), P5));
        return p.mul(r.mul(r)).add(r).add(1f);
    }

    /**
     * e^x lane by lane for x &lt;= 0 (or NaN), bit for bit what {@link #exp(FloatVector)} gives
     * there, with two operations fewer: the upper clamp does nothing below zero, and the
     * exponent's two integer offsets are one (integer addition is exact). For softmax, whose
     * inputs are z - max.
     */
    public static FloatVector expNonPositive(FloatVector x) {
        FloatVector v = x.max(LO);
        FloatVector shifted = v.mul(LOG2E).add(ROUND);
        FloatVector y = reducedExp(v, shifted);
        IntVector bits = ((IntVector) shifted.reinterpretAsInts()).add(127 - ROUND_BITS).lanewise(LSHL, 23);
        return y.mul((FloatVector) bits.reinterpretAsFloats());
    }

    /** e^x, bit for bit what a lane of {@link #exp(FloatVector)} gives. */
    public static float exp(float x) {
        float v = Math.min(Math.max(x, LO), HI);
        float shifted = v * LOG2E + ROUND;
        float n = shifted - ROUND;
        float r = Math.fma(n, -LN2_HI, v);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = p * (r * r) + r + 1f;
        int bits = (Float.floatToRawIntBits(shifted) - ROUND_BITS + 127) << 23;
        return y * Float.intBitsToFloat(bits);
    }

    /** tanh(x) = (e^{2x} - 1) / (e^{2x} + 1) lane by lane, with |x| clamped at 9 (tanh(9) = 1 in float). */
    public static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.max(-TANH_CLAMP).min(TANH_CLAMP).mul(2f));
        return e.sub(1f).div(e.add(1f));
    }

    /** tanh(x), bit for bit what a lane of {@link #tanh(FloatVector)} gives. */
    public static float tanh(float x) {
        float e = exp(Math.min(Math.max(x, -TANH_CLAMP), TANH_CLAMP) * 2f);
        return (e - 1f) / (e + 1f);
    }

    /** The sum of the lanes in lane order (a fixed order, unlike reduceLanes). */
    public static float sumLanes(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }
}
