package org.grmodelfree.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.AwgnChannel;
import org.grmodelfree.comm.AwgnReceiver;
import org.grmodelfree.comm.RayleighBlockFadingChannel;
import org.grmodelfree.comm.RbfReceiver;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.comm.Transmitter;
import org.junit.jupiter.api.Test;

/**
 * Every backward pass against central finite differences of the scalar loss L = sum(G .* output)
 * for a fixed random G (the mean cross-entropy for the softmax). Losses are evaluated in float
 * (the layers are float) and summed in double; step and tolerance are sized for float rounding.
 */
class GradientCheckTest {

    /** Finite-difference step. */
    private static final double EPS = 1e-2;
    /** Relative tolerance on each gradient entry... */
    private static final double RTOL = 2e-2;
    /** ...above this absolute floor (the float noise of a difference quotient with EPS). */
    private static final double ATOL = 1e-3;

    private final Random rand = new Random(345);

    @FunctionalInterface
    interface Loss {
        double eval();
    }

    // ---------------------------------------------------------------- nn layers

    @Test
    void dense() {
        Dense d = new Dense("d", 5, 11, new Rng(1));
        randomise(d.bias().value().data, 0.5);
        FMatrixRMaj x = random(4, 5, 1);
        FMatrixRMaj g = random(4, 11, 1);
        FMatrixRMaj y = new FMatrixRMaj(4, 11);
        FMatrixRMaj gx = filled(4, 5, Float.NaN);
        fill(d.weight().grad(), Float.NaN);
        fill(d.bias().grad(), Float.NaN);
        d.forward(x, y);
        d.backward(x, g, gx);
        Loss loss = () -> {
            d.forward(x, y);
            return dot(g, y);
        };
        check("dense dW", d.weight().value().data, d.weight().grad().data, loss);
        check("dense db", d.bias().value().data, d.bias().grad().data, loss);
        check("dense dX", x.data, gx.data, loss);
    }

    @Test
    void denseWithoutInputGradientStillWritesParameterGradients() {
        Dense d = new Dense("d", 3, 4, new Rng(2));
        FMatrixRMaj x = random(2, 3, 1);
        FMatrixRMaj g = random(2, 4, 1);
        FMatrixRMaj gx = new FMatrixRMaj(2, 3);
        d.backward(x, g, gx);
        float[] w = d.weight().grad().data.clone();
        float[] b = d.bias().grad().data.clone();
        fill(d.weight().grad(), Float.NaN);
        d.backward(x, g, null);
        assertArrayEquals(w, d.weight().grad().data);
        assertArrayEquals(b, d.bias().grad().data);
    }

    @Test
    void embeddingWithRepeatedIndices() {
        Embedding e = new Embedding("e", 6, 11, new Rng(3));
        int[] idx = {0, 3, 3, 5, 1, 3, 0, 2, 5};
        FMatrixRMaj y = new FMatrixRMaj(idx.length, 11);
        FMatrixRMaj g = random(idx.length, 11, 1);
        fill(e.table().grad(), Float.NaN);
        e.forward(idx, y);
        e.backward(idx, g);
        check("embedding table", e.table().value().data, e.table().grad().data, () -> {
            e.forward(idx, y);
            return dot(g, y);
        });
        // row 4 is never looked up: exactly zero gradient
        for (int j = 0; j < 11; j++) {
            assertEquals(0f, e.table().grad().data[4 * 11 + j]);
        }
    }

    @Test
    void elu() {
        FMatrixRMaj x = random(3, 13, 3);
        FMatrixRMaj g = random(3, 13, 1);
        FMatrixRMaj y = new FMatrixRMaj(3, 13);
        FMatrixRMaj gx = new FMatrixRMaj(3, 13);
        Activations.elu(x, y);
        Activations.eluBackward(x, y, g, gx);
        check("elu", x.data, gx.data, () -> {
            Activations.elu(x, y);
            return dot(g, y);
        });
        Activations.elu(x, y); // back at the unperturbed point
        for (int i = 0; i < x.data.length; i++) {
            float v = x.data[i];
            assertEquals(v > 0 ? v : Math.expm1(v), y.data[i], 1e-6, "elu(" + v + ")");
        }
    }

    @Test
    void reluAwayFromItsKink() {
        FMatrixRMaj x = random(3, 13, 2);
        for (int i = 0; i < x.data.length; i++) {
            if (Math.abs(x.data[i]) < 5 * EPS) {
                x.data[i] = x.data[i] < 0 ? -0.3f : 0.3f;
            }
        }
        FMatrixRMaj g = random(3, 13, 1);
        FMatrixRMaj y = x.copy();
        Activations.relu(y);
        FMatrixRMaj gx = g.copy();
        Activations.reluBackward(y, gx);
        FMatrixRMaj work = new FMatrixRMaj(3, 13);
        check("relu", x.data, gx.data, () -> {
            Activations.copy(x, work);
            Activations.relu(work);
            return dot(g, work);
        });
    }

    @Test
    void tanh() {
        FMatrixRMaj x = random(3, 13, 2);
        FMatrixRMaj g = random(3, 13, 1);
        FMatrixRMaj y = new FMatrixRMaj(3, 13);
        FMatrixRMaj gx = new FMatrixRMaj(3, 13);
        Activations.tanh(x, y);
        Activations.tanhBackward(y, g, gx);
        check("tanh", x.data, gx.data, () -> {
            Activations.tanh(x, y);
            return dot(g, y);
        });
    }

    @Test
    void softmaxCrossEntropyMeanLoss() {
        int rows = 5;
        int classes = 11;
        FMatrixRMaj z = random(rows, classes, 2);
        int[] labels = {3, 0, 10, 7, 3};
        FMatrixRMaj probs = new FMatrixRMaj(rows, classes);
        float[] losses = new float[rows];
        double mean = SoftmaxCrossEntropy.forward(z, labels, probs, losses);
        // the per-example losses are -log p(label), and the mean is their mean
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            assertEquals(-Math.log(probs.get(r, labels[r])), losses[r], 1e-5);
            double rowSum = 0;
            for (int j = 0; j < classes; j++) {
                rowSum += probs.get(r, j);
            }
            assertEquals(1.0, rowSum, 1e-5);
            sum += losses[r];
        }
        assertEquals(sum / rows, mean, 1e-6);
        FMatrixRMaj g = new FMatrixRMaj(rows, classes);
        SoftmaxCrossEntropy.backward(probs, labels, 1f / rows, g);
        FMatrixRMaj p2 = new FMatrixRMaj(rows, classes);
        float[] l2 = new float[rows];
        check("softmax cross-entropy", z.data, g.data,
                () -> SoftmaxCrossEntropy.forward(z, labels, p2, l2));
    }

    @Test
    void softmaxIsStableForHugeLogits() {
        FMatrixRMaj z = new FMatrixRMaj(new float[][] {{1000f, 0f, -1000f}, {-5000f, -5000f, -5000f}});
        FMatrixRMaj p = new FMatrixRMaj(2, 3);
        float[] l = new float[2];
        double mean = SoftmaxCrossEntropy.forward(z, new int[] {1, 2}, p, l);
        assertEquals(1000f, l[0], 1e-3);
        assertEquals(Math.log(3), l[1], 1e-5);
        assertEquals((1000 + Math.log(3)) / 2, mean, 1e-3);
        assertEquals(1f, p.get(0, 0));
    }

    @Test
    void energyNormalization() {
        FMatrixRMaj x = random(3, 6, 1);
        FMatrixRMaj g = random(3, 6, 1);
        FMatrixRMaj y = new FMatrixRMaj(3, 6);
        FMatrixRMaj gx = new FMatrixRMaj(3, 6);
        EnergyNormalization norm = new EnergyNormalization();
        norm.forward(x, y);
        double energy = 0;
        for (float v : y.data) {
            energy += v * v;
        }
        assertEquals(1.0, energy / (3 * 3), 1e-5, "mean energy per complex symbol");
        norm.backward(x, g, gx);
        check("energy normalisation", x.data, gx.data, () -> {
            norm.forward(x, y);
            return dot(g, y);
        });
    }

    @Test
    void complexDivide() {
        FMatrixRMaj y = random(4, 6, 1);
        FMatrixRMaj h = random(4, 2, 1);
        for (int r = 0; r < 4; r++) { // keep |h| away from 0
            h.data[2 * r] += h.data[2 * r] < 0 ? -0.6f : 0.6f;
        }
        FMatrixRMaj z = new FMatrixRMaj(4, 6);
        FMatrixRMaj g = random(4, 6, 1);
        FMatrixRMaj gy = new FMatrixRMaj(4, 6);
        FMatrixRMaj gh = new FMatrixRMaj(4, 2);
        ComplexDivide.forward(y, h, z);
        // z * h == y
        for (int r = 0; r < 4; r++) {
            for (int k = 0; k < 3; k++) {
                float zr = z.get(r, 2 * k);
                float zi = z.get(r, 2 * k + 1);
                float hr = h.get(r, 0);
                float hi = h.get(r, 1);
                assertEquals(y.get(r, 2 * k), zr * hr - zi * hi, 1e-5);
                assertEquals(y.get(r, 2 * k + 1), zr * hi + zi * hr, 1e-5);
            }
        }
        ComplexDivide.backward(y, h, z, g, gy, gh);
        Loss loss = () -> {
            ComplexDivide.forward(y, h, z);
            return dot(g, z);
        };
        check("complex divide dy", y.data, gy.data, loss);
        check("complex divide dh", h.data, gh.data, loss);
        // gy may be skipped; gh is the same
        FMatrixRMaj gh2 = new FMatrixRMaj(4, 2);
        ComplexDivide.forward(y, h, z);
        ComplexDivide.backward(y, h, z, g, null, gh2);
        assertArrayEquals(gh.data, gh2.data);
    }

    @Test
    void complexDivideBelowTheEnergyFloorIsFiniteAndDifferentiatesTheFlooredFunction() {
        FMatrixRMaj y = random(2, 4, 1);
        FMatrixRMaj h = new FMatrixRMaj(new float[][] {{1e-4f, -2e-4f}, {3e-4f, 1e-4f}});
        FMatrixRMaj z = new FMatrixRMaj(2, 4);
        FMatrixRMaj g = random(2, 4, 1);
        FMatrixRMaj gy = new FMatrixRMaj(2, 4);
        FMatrixRMaj gh = new FMatrixRMaj(2, 2);
        ComplexDivide.forward(y, h, z);
        ComplexDivide.backward(y, h, z, g, gy, gh);
        for (float v : z.data) {
            assertTrue(Float.isFinite(v));
        }
        // below the floor z = y conj(h) / MIN_ENERGY, linear in h: a small step stays below it
        check("floored divide dh", h.data, gh.data, () -> {
            ComplexDivide.forward(y, h, z);
            return dot(g, z);
        }, 1e-5, RTOL, 1e-2 * maxAbs(gh.data));
    }

    // ---------------------------------------------------------------- convolutional layers

    /** (in channels, height, width, out channels, kernel, stride, padding). */
    private static final int[][] CONV_GEOMETRIES = {
        {2, 5, 5, 3, 3, 1, 1},  // 'same' 3 x 3
        {2, 6, 5, 3, 3, 2, 1},  // downsampling 3 x 3, odd width
        {3, 5, 5, 2, 1, 2, 0},  // 1 x 1 stride-2 projection
        {1, 4, 6, 2, 3, 1, 0},  // 'valid', one input channel
    };

    @Test
    void conv2d() {
        for (int[] g : CONV_GEOMETRIES) {
            ImageShape in = new ImageShape(g[0], g[1], g[2]);
            Conv2D conv = new Conv2D("c", in, g[3], g[4], g[5], g[6], new Rng(11));
            randomise(conv.bias().value().data, 0.5);
            String what = "conv2d " + Arrays.toString(g);
            int rows = 3;
            FMatrixRMaj x = random(rows, in.size(), 1);
            FMatrixRMaj y = new FMatrixRMaj(rows, conv.outShape().size());
            FMatrixRMaj gy = random(rows, y.numCols, 1);
            FMatrixRMaj gx = filled(rows, in.size(), Float.NaN);
            fill(conv.weight().grad(), Float.NaN);
            fill(conv.bias().grad(), Float.NaN);
            conv.forward(x, y);
            conv.backward(x, gy, gx);
            Loss loss = () -> {
                conv.forward(x, y);
                return dot(gy, y);
            };
            check(what + " dW", conv.weight().value().data, conv.weight().grad().data, loss);
            check(what + " db", conv.bias().value().data, conv.bias().grad().data, loss);
            check(what + " dX", x.data, gx.data, loss);
        }
    }

    @Test
    void batchNormInTrainingAndInferenceMode() {
        ImageShape shape = new ImageShape(3, 2, 3);
        for (boolean training : new boolean[] {true, false}) {
            BatchNorm bn = new BatchNorm("bn", shape);
            randomise(bn.gamma().value().data, 1.5);
            randomise(bn.beta().value().data, 0.5);
            randomise(bn.runningMean().value().data, 0.5);
            for (int c = 0; c < 3; c++) {
                bn.runningVariance().value().data[c] = 0.5f + c;
            }
            FMatrixRMaj x = random(4, shape.size(), 2);
            FMatrixRMaj y = new FMatrixRMaj(4, shape.size());
            FMatrixRMaj gy = random(4, shape.size(), 1);
            FMatrixRMaj gx = new FMatrixRMaj(4, shape.size());
            bn.forward(x, y, training);
            bn.backward(x, gy, gx);
            Loss loss = () -> {
                bn.forward(x, y, training);
                return dot(gy, y);
            };
            String what = "batch norm (" + (training ? "training" : "inference") + ")";
            check(what + " dgamma", bn.gamma().value().data, bn.gamma().grad().data, loss);
            check(what + " dbeta", bn.beta().value().data, bn.beta().grad().data, loss);
            check(what + " dX", x.data, gx.data, loss);
        }
    }

    @Test
    void globalAveragePool() {
        ImageShape shape = new ImageShape(3, 2, 5);
        FMatrixRMaj x = random(4, shape.size(), 1);
        FMatrixRMaj y = new FMatrixRMaj(4, 3);
        FMatrixRMaj gy = random(4, 3, 1);
        FMatrixRMaj gx = new FMatrixRMaj(4, shape.size());
        GlobalAveragePool.backward(shape, gy, gx);
        check("global average pool", x.data, gx.data, () -> {
            GlobalAveragePool.forward(shape, x, y);
            return dot(gy, y);
        });
    }

    @Test
    void residualUnits() {
        ImageShape in = new ImageShape(2, 5, 5);
        // identity and projection shortcuts, pre- and post-activation
        int[][] variants = {{2, 1}, {3, 2}, {3, 1}};
        for (boolean pre : new boolean[] {true, false}) {
            for (int[] v : variants) {
                ResidualUnit unit = new ResidualUnit("u", in, v[0], v[1], pre, new Rng(12));
                assertEquals(v[0] != 2 || v[1] != 1, unit.projects());
                String what = (pre ? "pre" : "post") + "-activation unit to " + v[0] + " channels, stride " + v[1];
                FMatrixRMaj x = random(3, in.size(), 1.5);
                checkNetwork(what, unit.params(), x, () -> unit.forward(x, true), g -> unit.backward(g));
            }
        }
    }

    @Test
    void resNetStageAndFeatureExtractor() {
        ImageShape in = new ImageShape(2, 5, 5);
        ResNetStage stage = new ResNetStage("s", in, 3, 2, true, true, new Rng(13));
        FMatrixRMaj xb = random(3, in.size(), 1.5);
        checkNetwork("resnet stage", stage.params(), xb, () -> stage.forward(xb, true), g -> stage.backward(g));
        for (boolean pre : new boolean[] {true, false}) {
            ResNetFeatureExtractor fx = new ResNetFeatureExtractor("f", new ImageShape(1, 6, 6), 2, 2, 1, pre,
                    new Rng(14));
            FMatrixRMaj x = random(4, 36, 1);
            checkNetwork((pre ? "pre" : "post") + "-activation extractor", fx.params(), null,
                    () -> fx.forward(x, true), g -> {
                        fx.backward(g);
                        return null;
                    });
        }
    }

    /**
     * Kink-aware checks of every parameter gradient and, when x is not null, of the input gradient
     * that backward returns, for a network in training mode. At least 80% of the entries must be
     * away from a ReLU kink.
     */
    private void checkNetwork(String what, List<Param> params, FMatrixRMaj x,
                              java.util.function.Supplier<FMatrixRMaj> forward,
                              java.util.function.Function<FMatrixRMaj, FMatrixRMaj> backward) {
        FMatrixRMaj y = forward.get();
        FMatrixRMaj g = random(y.numRows, y.numCols, 1);
        for (Param p : params) {
            fill(p.grad(), Float.NaN);
        }
        FMatrixRMaj gx = backward.apply(g);
        float[] gxCopy = gx == null ? null : gx.data.clone();
        Loss loss = () -> dot(g, forward.get());
        int checked = 0;
        int total = 0;
        for (Param p : params) {
            total += p.size();
            if (maxAbs(p.grad().data) <= 10 * ATOL) {
                // a bias feeding a training-mode batch norm: the normalisation removes it exactly
                checked += checkZero(what + " " + p.name(), p.value().data, p.grad().data, loss);
                continue;
            }
            checked += checkKinkAware(what + " " + p.name(), p.value().data, p.grad().data, loss);
        }
        if (x != null) {
            checked += checkKinkAware(what + " input", x.data, gxCopy, loss);
            total += x.getNumElements();
        }
        assertTrue(checked >= 0.8 * total, what + ": only " + checked + " of " + total
                + " entries were away from a ReLU kink");
    }

    // ---------------------------------------------------------------- comm networks

    @Test
    void transmitterThroughItsCodebookNormalisation() {
        Transmitter tx = new Transmitter(6, 3, 5, new Rng(4));
        // larger embeddings than the +-0.05 initialisation, so the ELU is exercised on both sides
        randomise(tx.params().get(0).value().data, 1.5);
        tx.parametersChanged();
        int[] msgs = {2, 0, 2, 5, 2, 1, 0, 3, 2, 5};
        FMatrixRMaj x = new FMatrixRMaj(1, 1);
        tx.encode(msgs, msgs.length, x);
        assertEquals(msgs.length, x.numRows);
        assertEquals(6, x.numCols);
        FMatrixRMaj g = random(msgs.length, 6, 1);
        for (Param p : tx.params()) {
            fill(p.grad(), Float.NaN);
        }
        tx.backward(msgs, g);
        FMatrixRMaj xx = new FMatrixRMaj(1, 1);
        Loss loss = () -> {
            tx.parametersChanged();
            tx.encode(msgs, msgs.length, xx);
            return dot(g, xx);
        };
        for (Param p : tx.params()) {
            check("transmitter " + p.name(), p.value().data, p.grad().data, loss);
        }
        // message 4 is never sent, but through the codebook normalisation it still has a gradient
        float[] emb = tx.params().get(0).grad().data;
        assertTrue(maxAbs(Arrays.copyOfRange(emb, 4 * 5, 5 * 5)) > 0);
    }

    @Test
    void awgnReceiverParametersAndInput() {
        AwgnReceiver rx = new AwgnReceiver(5, 2, 9, new Rng(5));
        for (Param p : rx.params()) {
            if (p.name().endsWith(".b")) {
                randomise(p.value().data, 0.3);
            }
        }
        checkReceiver(rx, random(6, 4, 1.5));
    }

    @Test
    void rbfReceiverParametersAndInput() {
        RbfReceiver rx = new RbfReceiver(5, 2, 9, 4, new Rng(6));
        for (Param p : rx.params()) {
            if (p.name().equals("rx.est2.b")) { // keep the channel estimate away from 0
                p.value().data[0] = 1.0f;
                p.value().data[1] = 0.5f;
            } else if (p.name().endsWith(".b")) {
                randomise(p.value().data, 0.3);
            }
        }
        checkReceiver(rx, random(6, 4, 1.5));
    }

    private void checkReceiver(Receiver rx, FMatrixRMaj y) {
        FMatrixRMaj logits = rx.forward(y);
        FMatrixRMaj g = random(logits.numRows, logits.numCols, 1);
        for (Param p : rx.params()) {
            fill(p.grad(), Float.NaN);
        }
        FMatrixRMaj gy = rx.backward(g, true).copy();
        Loss loss = () -> dot(g, rx.forward(y));
        int checked = 0;
        for (Param p : rx.params()) {
            checked += checkKinkAware(rx.getClass().getSimpleName() + " " + p.name(), p.value().data,
                    p.grad().data, loss);
        }
        checked += checkKinkAware(rx.getClass().getSimpleName() + " input", y.data, gy.data, loss);
        int total = y.data.length;
        for (Param p : rx.params()) {
            total += p.size();
        }
        assertTrue(checked >= 0.9 * total, "only " + checked + " of " + total + " entries were away from a ReLU kink");
        // without the input gradient: null, and the same parameter gradients
        List<float[]> before = rx.params().stream().map(p -> p.grad().data.clone()).toList();
        rx.forward(y);
        assertEquals(null, rx.backward(g, false));
        for (int i = 0; i < before.size(); i++) {
            assertArrayEquals(before.get(i), rx.params().get(i).grad().data, rx.params().get(i).name());
        }
    }

    // ---------------------------------------------------------------- channels

    @Test
    void rayleighChannelBackwardIsConjugateGainTimesGradient() {
        RayleighBlockFadingChannel ch = new RayleighBlockFadingChannel(15);
        FMatrixRMaj x = random(3, 8, 1);
        FMatrixRMaj y = new FMatrixRMaj(1, 1);
        FMatrixRMaj g = random(3, 8, 1);
        FMatrixRMaj gx = new FMatrixRMaj(1, 1);
        ch.apply(x, y, new Rng(77));
        ch.backward(g, gx);
        float[] h = ch.gains().clone();
        for (int r = 0; r < 3; r++) {
            for (int k = 0; k < 4; k++) {
                double hr = h[2 * r];
                double hi = h[2 * r + 1];
                double gr = g.get(r, 2 * k);
                double gi = g.get(r, 2 * k + 1);
                assertEquals(hr * gr + hi * gi, gx.get(r, 2 * k), 1e-6);
                assertEquals(hr * gi - hi * gr, gx.get(r, 2 * k + 1), 1e-6);
            }
        }
        check("rbf channel", x.data, gx.data, () -> {
            ch.apply(x, y, new Rng(77)); // same fading and noise
            return dot(g, y);
        });
    }

    @Test
    void awgnChannelBackwardIsIdentity() {
        AwgnChannel ch = new AwgnChannel(5);
        FMatrixRMaj x = random(3, 8, 1);
        FMatrixRMaj y = new FMatrixRMaj(1, 1);
        FMatrixRMaj g = random(3, 8, 1);
        FMatrixRMaj gx = new FMatrixRMaj(1, 1);
        ch.apply(x, y, new Rng(78));
        ch.backward(g, gx);
        assertArrayEquals(Arrays.copyOf(g.data, 24), Arrays.copyOf(gx.data, 24));
        check("awgn channel", x.data, gx.data, () -> {
            ch.apply(x, y, new Rng(78));
            return dot(g, y);
        });
    }

    // ---------------------------------------------------------------- the checker

    private static void check(String what, float[] values, float[] analytic, Loss loss) {
        check(what, values, analytic, loss, EPS, RTOL, ATOL);
    }

    /** Central differences for every entry of values against analytic. */
    private static void check(String what, float[] values, float[] analytic, Loss loss,
                              double eps, double rtol, double atol) {
        assertTrue(maxAbs(analytic) > 10 * atol, what + ": gradient too small to test anything");
        for (int i = 0; i < values.length; i++) {
            double[] d = differences(values, i, loss, eps);
            double num = d[0];
            assertClose(what, i, num, analytic[i], rtol, atol);
        }
    }

    /**
     * Like {@link #check} for piecewise-smooth losses (ReLU): an entry whose forward and backward
     * one-sided differences disagree has a kink (or, through a batch norm of a small batch, strong
     * curvature) within the step; such an entry, and one that misses at that step, is retried with
     * a step five times smaller, which decides: skipped if the one-sided differences still
     * disagree, checked otherwise. Returns the number of entries checked.
     */
    private static int checkKinkAware(String what, float[] values, float[] analytic, Loss loss) {
        assertTrue(maxAbs(analytic) > 10 * ATOL, what + ": gradient too small to test anything");
        int checked = 0;
        for (int i = 0; i < values.length; i++) {
            double[] d = differences(values, i, loss, EPS);
            if (smooth(d) && close(d[0], analytic[i], RTOL, ATOL)) {
                checked++;
                continue;
            }
            d = differences(values, i, loss, EPS / 5);
            if (smooth(d)) {
                assertClose(what, i, d[0], analytic[i], RTOL, ATOL);
                checked++;
            }
        }
        return checked;
    }

    /**
     * Whether the one-sided differences agree, i.e. no kink lies within the step. Across a kink the
     * central difference is about their mean, off by half their difference: within RTOL / 2.
     */
    private static boolean smooth(double[] d) {
        double scale = Math.max(Math.abs(d[1]), Math.abs(d[2]));
        return Math.abs(d[1] - d[2]) <= RTOL * scale + 2 * ATOL;
    }

    /** Checks a gradient that should be zero: every entry and its central difference below ATOL. */
    private static int checkZero(String what, float[] values, float[] analytic, Loss loss) {
        for (int i = 0; i < values.length; i++) {
            assertClose(what, i, differences(values, i, loss, EPS)[0], analytic[i], 0, ATOL);
            assertClose(what, i, 0, analytic[i], 0, ATOL);
        }
        return values.length;
    }

    /** {central, forward, backward} difference quotients in entry i, using the float steps actually taken. */
    private static double[] differences(float[] values, int i, Loss loss, double eps) {
        float v = values[i];
        float up = (float) (v + eps);
        float down = (float) (v - eps);
        double l0 = loss.eval();
        values[i] = up;
        double lp = loss.eval();
        values[i] = down;
        double lm = loss.eval();
        values[i] = v;
        double dp = (double) up - v;
        double dm = (double) v - down;
        return new double[] {(lp - lm) / (dp + dm), (lp - l0) / dp, (l0 - lm) / dm};
    }

    private static boolean close(double numeric, double analytic, double rtol, double atol) {
        double err = Math.abs(numeric - analytic);
        return err <= rtol * Math.max(Math.abs(numeric), Math.abs(analytic)) + atol;
    }

    private static void assertClose(String what, int i, double numeric, double analytic, double rtol, double atol) {
        if (!close(numeric, analytic, rtol, atol)) {
            fail(String.format("%s: entry %d analytic %.6g, finite difference %.6g", what, i, analytic, numeric));
        }
    }

    // ---------------------------------------------------------------- helpers

    private FMatrixRMaj random(int rows, int cols, double amplitude) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        randomise(m.data, amplitude);
        return m;
    }

    private void randomise(float[] d, double amplitude) {
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((2 * rand.nextDouble() - 1) * amplitude);
        }
    }

    private static FMatrixRMaj filled(int rows, int cols, float v) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        fill(m, v);
        return m;
    }

    private static void fill(FMatrixRMaj m, float v) {
        Arrays.fill(m.data, v);
    }

    private static double dot(FMatrixRMaj g, FMatrixRMaj y) {
        assertEquals(g.numRows, y.numRows);
        assertEquals(g.numCols, y.numCols);
        double s = 0;
        for (int i = 0; i < g.getNumElements(); i++) {
            s += (double) g.data[i] * y.data[i];
        }
        return s;
    }

    private static double maxAbs(float[] d) {
        double m = 0;
        for (float v : d) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
