package org.grmodelfree.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.bench.ConvBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The convolutional layers' values against direct double-precision transcriptions of their
 * definitions, their shapes, batch norm's two modes, and the extractors' composition. Gradients
 * are checked against finite differences in {@link GradientCheckTest}.
 */
class ConvLayersTest {

    private final Random rand = new Random(345);

    /**
     * (batch, in channels, height, width, out channels, kernel, stride, padding). The large ones
     * span several chunks and shards and run on the worker threads.
     */
    static Stream<Arguments> geometries() {
        return Stream.of(
                Arguments.of(3, 2, 5, 5, 3, 3, 1, 1),
                Arguments.of(2, 1, 4, 6, 2, 3, 1, 0),
                Arguments.of(3, 2, 7, 6, 5, 3, 2, 1),
                Arguments.of(2, 3, 5, 5, 4, 1, 2, 0),
                Arguments.of(2, 2, 5, 5, 3, 5, 1, 2),
                Arguments.of(2, 2, 1, 3, 2, 3, 1, 1),  // the window is larger than the image
                Arguments.of(2, 1, 2, 1, 2, 5, 1, 2),
                Arguments.of(40, 8, 12, 12, 5, 3, 1, 1),
                Arguments.of(37, 6, 17, 17, 9, 3, 2, 1));
    }

    @ParameterizedTest(name = "B={0}, {1}x{2}x{3} -> {4} channels, k={5}, s={6}, p={7}")
    @MethodSource("geometries")
    void convolutionMatchesTheDirectDefinition(int batch, int cin, int h, int w, int cout, int k, int s, int p) {
        ImageShape in = new ImageShape(cin, h, w);
        Conv2D conv = new Conv2D("c", in, cout, k, s, p, new SplittableRandom(1));
        randomise(conv.bias().value().data);
        ImageShape out = conv.outShape();
        assertEquals(new ImageShape(cout, (h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1), out);
        FMatrixRMaj x = random(batch, in.size());
        FMatrixRMaj gy = random(batch, out.size());
        FMatrixRMaj y = filled(batch, out.size(), Float.NaN);
        FMatrixRMaj gx = filled(batch, in.size(), Float.NaN);
        FMatrixRMaj xCopy = x.copy();
        conv.forward(x, y);
        conv.backward(x, gy, gx);
        assertArrayEquals(xCopy.data, x.data, "x modified");

        float[] wt = conv.weight().value().data;
        double[] yRef = new double[y.data.length];
        double[] gxRef = new double[x.data.length];
        double[] gwRef = new double[wt.length];
        double[] gbRef = new double[cout];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < cout; o++) {
                for (int oy = 0; oy < out.height(); oy++) {
                    for (int ox = 0; ox < out.width(); ox++) {
                        int yi = b * out.size() + (o * out.height() + oy) * out.width() + ox;
                        double sum = conv.bias().value().data[o];
                        for (int c = 0; c < cin; c++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy * s - p + ky;
                                    int ix = ox * s - p + kx;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    int xi = b * in.size() + (c * h + iy) * w + ix;
                                    int wi = o * cin * k * k + (c * k + ky) * k + kx;
                                    sum += (double) wt[wi] * x.data[xi];
                                    gxRef[xi] += (double) wt[wi] * gy.data[yi];
                                    gwRef[wi] += (double) x.data[xi] * gy.data[yi];
                                }
                            }
                        }
                        yRef[yi] = sum;
                        gbRef[o] += gy.data[yi];
                    }
                }
            }
        }
        assertClose("y", yRef, y.data);
        assertClose("dL/dx", gxRef, gx.data);
        assertClose("dL/dW", gwRef, conv.weight().grad().data);
        assertClose("dL/db", gbRef, conv.bias().grad().data);

        // without the input gradient: the same parameter gradients
        float[] gw = conv.weight().grad().data.clone();
        conv.backward(x, gy, null);
        assertArrayEquals(gw, conv.weight().grad().data);
    }

    @Test
    void convolutionShapesOfTheExtractor() {
        ImageShape quadrant = new ImageShape(1, 14, 14);
        SplittableRandom rng = new SplittableRandom(2);
        assertEquals(new ImageShape(14, 14, 14), new Conv2D("a", quadrant, 14, 3, 1, 1, rng).outShape());
        assertEquals(new ImageShape(28, 7, 7), new Conv2D("b", new ImageShape(14, 14, 14), 28, 3, 2, 1, rng).outShape());
        assertEquals(new ImageShape(28, 7, 7), new Conv2D("c", new ImageShape(14, 14, 14), 28, 1, 2, 0, rng).outShape());
        assertEquals(new ImageShape(56, 4, 4), new Conv2D("d", new ImageShape(28, 7, 7), 56, 3, 2, 1, rng).outShape());
        assertEquals(new ImageShape(56, 4, 4), new Conv2D("e", new ImageShape(28, 7, 7), 56, 1, 2, 0, rng).outShape());
        assertThrows(IllegalArgumentException.class, () -> new Conv2D("f", quadrant, 4, 3, 0, 1, rng));
        assertThrows(IllegalArgumentException.class, () -> new Conv2D("g", quadrant, 4, 3, 1, 3, rng));
        assertThrows(IllegalArgumentException.class, () -> new Conv2D("h", new ImageShape(1, 2, 2), 4, 5, 1, 0, rng));
        Conv2D conv = new Conv2D("i", quadrant, 4, 3, 1, 1, rng);
        FMatrixRMaj x = new FMatrixRMaj(2, 196);
        assertThrows(IllegalArgumentException.class, () -> conv.forward(x, new FMatrixRMaj(2, 100)));
        assertThrows(IllegalArgumentException.class, () -> conv.forward(new FMatrixRMaj(2, 195), new FMatrixRMaj(2, 784)));
        assertThrows(IllegalArgumentException.class, () -> conv.forward(x, new FMatrixRMaj(3, 784)));
    }

    @Test
    void batchNormTrainingUsesBatchStatisticsAndMovesTheRunningOnes() {
        ImageShape shape = new ImageShape(3, 4, 5);
        BatchNorm bn = new BatchNorm("bn", shape, 0.9, 1e-3);
        randomise(bn.gamma().value().data);
        randomise(bn.beta().value().data);
        int batch = 6;
        FMatrixRMaj x = random(batch, shape.size());
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = 3 * x.data[i] + 2; // mean and variance far from 0 and 1
        }
        FMatrixRMaj y = new FMatrixRMaj(batch, shape.size());
        bn.forward(x, y, true);
        for (int c = 0; c < 3; c++) {
            double[] mv = channelMoments(x, shape, c);
            double g = bn.gamma().value().data[c];
            double be = bn.beta().value().data[c];
            for (int b = 0; b < batch; b++) {
                for (int q = 0; q < shape.pixels(); q++) {
                    int i = b * shape.size() + c * shape.pixels() + q;
                    double expected = g * (x.data[i] - mv[0]) / Math.sqrt(mv[1] + 1e-3) + be;
                    assertEquals(expected, y.data[i], 1e-5 * Math.max(1, Math.abs(expected)));
                }
            }
            assertEquals(0.1 * mv[0], bn.runningMean().value().data[c], 1e-6);
            assertEquals(0.9 + 0.1 * mv[1], bn.runningVariance().value().data[c], 1e-5);
        }
        assertEquals(List.of(bn.gamma(), bn.beta()), bn.params());
        assertEquals(List.of(bn.runningMean(), bn.runningVariance()), bn.buffers());
    }

    @Test
    void batchNormInferenceUsesTheRunningStatisticsAndLeavesThemAlone() {
        ImageShape shape = new ImageShape(2, 3, 3);
        BatchNorm bn = new BatchNorm("bn", shape);
        randomise(bn.gamma().value().data);
        randomise(bn.beta().value().data);
        float[] rm = {0.5f, -1f};
        float[] rv = {2f, 0.25f};
        System.arraycopy(rm, 0, bn.runningMean().value().data, 0, 2);
        System.arraycopy(rv, 0, bn.runningVariance().value().data, 0, 2);
        FMatrixRMaj x = random(4, shape.size());
        FMatrixRMaj y = new FMatrixRMaj(4, shape.size());
        bn.forward(x, y, false);
        assertArrayEquals(rm, bn.runningMean().value().data);
        assertArrayEquals(rv, bn.runningVariance().value().data);
        for (int i = 0; i < x.data.length; i++) {
            int c = (i % shape.size()) / shape.pixels();
            double expected = bn.gamma().value().data[c] * (x.data[i] - rm[c]) / Math.sqrt(rv[c] + BatchNorm.DEFAULT_EPSILON)
                    + bn.beta().value().data[c];
            assertEquals(expected, y.data[i], 1e-5);
        }
        // one example alone gives the same output: nothing depends on the rest of the batch
        FMatrixRMaj one = new FMatrixRMaj(1, shape.size());
        System.arraycopy(x.data, 2 * shape.size(), one.data, 0, shape.size());
        FMatrixRMaj yOne = new FMatrixRMaj(1, shape.size());
        bn.forward(one, yOne, false);
        for (int q = 0; q < shape.size(); q++) {
            assertEquals(y.data[2 * shape.size() + q], yOne.data[q]);
        }
    }

    @Test
    void globalAveragePoolAveragesEachChannel() {
        ImageShape shape = new ImageShape(3, 2, 2);
        FMatrixRMaj x = new FMatrixRMaj(new float[][] {
            {1, 2, 3, 4, 0, 0, 0, 8, -1, -1, -1, -1},
            {4, 4, 4, 4, 1, 1, 1, 1, 2, 0, 0, 0}});
        FMatrixRMaj y = new FMatrixRMaj(2, 3);
        GlobalAveragePool.forward(shape, x, y);
        assertArrayEquals(new float[] {2.5f, 2f, -1f, 4f, 1f, 0.5f}, y.data);
        FMatrixRMaj gx = new FMatrixRMaj(2, 12);
        GlobalAveragePool.backward(shape, y, gx);
        assertEquals(0.625f, gx.get(0, 3));
        assertEquals(0.125f, gx.get(1, 11));
        assertThrows(IllegalArgumentException.class, () -> GlobalAveragePool.forward(shape, x, new FMatrixRMaj(2, 4)));
    }

    @Test
    void residualUnitsProjectOnlyWhenTheShapeChanges() {
        ImageShape in = new ImageShape(14, 14, 14);
        SplittableRandom rng = new SplittableRandom(3);
        ResidualUnit same = new ResidualUnit("a", in, 14, 1, true, rng);
        ResidualUnit down = new ResidualUnit("b", in, 28, 2, true, rng);
        ResidualUnit wider = new ResidualUnit("c", in, 28, 1, false, rng);
        assertFalse(same.projects());
        assertTrue(down.projects());
        assertTrue(wider.projects());
        assertEquals(in, same.outShape());
        assertEquals(new ImageShape(28, 7, 7), down.outShape());
        assertEquals(new ImageShape(28, 14, 14), wider.outShape());
        // two 3x3 convolutions with bias and two batch norms (+ the 1x1 projection)
        assertEquals(2 * (14 * 126 + 14) + 4 * 14, count(same.params()));
        assertEquals((28 * 126 + 28) + (28 * 252 + 28) + 2 * 14 + 2 * 28 + (28 * 14 + 28), count(down.params()));
        assertEquals(4, same.buffers().size());
        FMatrixRMaj y = down.forward(random(3, in.size()), true);
        assertEquals(3, y.numRows);
        assertEquals(28 * 49, y.numCols);
        assertEquals(in.size(), down.backward(random(3, 28 * 49)).numCols);
    }

    @Test
    void tableIExtractorHasThePapersShape() {
        ResNetFeatureExtractor fx = ResNetFeatureExtractor.tableI("tx0", new SplittableRandom(4));
        assertEquals(new ImageShape(1, 14, 14), fx.inShape());
        assertEquals(56, fx.features());
        List<Param> params = fx.params();
        Set<String> names = new HashSet<>();
        for (Param p : params) {
            assertTrue(p.name().startsWith("tx0."), p.name());
            assertTrue(names.add(p.name()), "duplicate " + p.name());
        }
        for (Param p : fx.buffers()) {
            assertTrue(names.add(p.name()), "duplicate " + p.name());
        }
        // stem 1->14; stage 0: 4 convs 14->14; stage 1: 14->28 (+ 1x1 projection), 3 convs 28->28;
        // stage 2 likewise 28->56; pre-activation batch norms on each unit's input and middle, and a last one
        long convs = (14 * 9 + 14) + 4 * (14 * 126 + 14)
                + (28 * 126 + 28) + (28 * 14 + 28) + 3 * (28 * 252 + 28)
                + (56 * 252 + 56) + (56 * 28 + 56) + 3 * (56 * 504 + 56);
        long norms = 2 * (4 * 14 + (14 + 3 * 28) + (28 + 3 * 56) + 56);
        assertEquals(convs + norms, count(params));
        assertEquals(2 * 13, fx.buffers().size());
        FMatrixRMaj features = fx.forward(random(5, 196), true);
        assertEquals(5, features.numRows);
        assertEquals(56, features.numCols);
        // a pre-activation extractor ends in ReLU then averaging: features are non-negative
        for (float f : features.data) {
            assertTrue(f >= 0f);
        }
    }

    @Test
    void reducedExtractorIsOneCall() {
        ResNetFeatureExtractor fx = ResNetFeatureExtractor.reduced("r", new SplittableRandom(5));
        assertEquals(4 * ResNetFeatureExtractor.REDUCED_FILTERS, fx.features());
        ResNetFeatureExtractor small = new ResNetFeatureExtractor("s", new ImageShape(1, 14, 14), 4, 2, 1, false,
                new SplittableRandom(6));
        assertEquals(8, small.features());
        assertTrue(small.macsPerExample() < fx.macsPerExample());
        assertTrue(fx.macsPerExample() < ResNetFeatureExtractor.tableI("t", new SplittableRandom(7)).macsPerExample());
    }

    @Test
    void inferenceModeFeaturesDoNotDependOnTheRestOfTheBatch() {
        for (boolean pre : new boolean[] {true, false}) {
            ResNetFeatureExtractor fx = new ResNetFeatureExtractor("f", new ImageShape(2, 8, 8), 3, 2, 2, pre,
                    new SplittableRandom(8));
            FMatrixRMaj x = random(12, fx.inShape().size());
            fx.forward(x, true); // move the running statistics away from their start
            FMatrixRMaj batch = fx.forward(x, false).copy();
            FMatrixRMaj one = new FMatrixRMaj(1, x.numCols);
            System.arraycopy(x.data, 7 * x.numCols, one.data, 0, x.numCols);
            FMatrixRMaj alone = fx.forward(one, false);
            for (int j = 0; j < fx.features(); j++) {
                assertEquals(batch.get(7, j), alone.get(0, j), 1e-6, "feature " + j);
            }
            // in training mode the batch statistics make them depend on it
            FMatrixRMaj trainBatch = fx.forward(x, true).copy();
            FMatrixRMaj trainAlone = fx.forward(firstRows(x, 3), true);
            assertFalse(trainBatch.get(0, 0) == trainAlone.get(0, 0) && trainBatch.get(1, 1) == trainAlone.get(1, 1));
        }
    }

    @Test
    void aWarmedUpTrainingStepAllocatesNothing() {
        ResNetFeatureExtractor fx = ResNetFeatureExtractor.reduced("r", new SplittableRandom(9));
        FMatrixRMaj x = random(32, 196);
        FMatrixRMaj g = random(32, fx.features());
        FMatrixRMaj small = firstRows(x, 8);
        FMatrixRMaj gSmall = firstRows(g, 8);
        Runnable steps = () -> {
            fx.forward(x, true);
            fx.backward(g);
            fx.forward(small, true); // a smaller batch reuses the larger buffers
            fx.backward(gSmall);
            fx.forward(small, false);
        };
        // until the JIT has compiled them, the Vector API's operations allocate
        long allocated = Long.MAX_VALUE;
        for (int i = 0; i < 200 && allocated >= 4096; i++) {
            long before = org.grmodelfree.run.Meters.allocatedBytes();
            steps.run();
            allocated = org.grmodelfree.run.Meters.allocatedBytes() - before;
        }
        // the meter itself allocates under 1 kB
        assertTrue(allocated < 4096, "a warmed-up round of steps allocated " + allocated + " bytes");
    }

    @Test
    void anExtractorWithADenseHeadLearnsToTellBarsApart() {
        // 8 x 8 images of one vertical or one horizontal bright bar at a random place, in noise
        SplittableRandom rng = new SplittableRandom(10);
        ResNetFeatureExtractor fx = new ResNetFeatureExtractor("f", new ImageShape(1, 8, 8), 4, 2, 1, true, rng);
        Dense head = new Dense("head", fx.features(), 2, rng);
        List<Param> params = new ArrayList<>(fx.params());
        params.addAll(head.params());
        Adam adam = new Adam(params).weightDecay(2e-4, p -> p.name().endsWith(".w"));
        int batch = 32;
        FMatrixRMaj x = new FMatrixRMaj(batch, 64);
        int[] labels = new int[batch];
        FMatrixRMaj logits = new FMatrixRMaj(batch, 2);
        FMatrixRMaj g = new FMatrixRMaj(batch, 2);
        FMatrixRMaj gFeatures = new FMatrixRMaj(batch, fx.features());
        float[] losses = new float[batch];
        for (int step = 0; step < 150; step++) {
            bars(rng, x, labels);
            FMatrixRMaj f = fx.forward(x, true);
            head.forward(f, logits);
            SoftmaxCrossEntropy.forward(logits, labels, g, losses);
            SoftmaxCrossEntropy.backward(g, labels, 1f / batch, g);
            head.backward(f, g, gFeatures);
            fx.backward(gFeatures);
            adam.step(1e-2);
        }
        // inference mode, on fresh images, with the running statistics
        int errors = 0;
        int[] decisions = new int[batch];
        for (int t = 0; t < 10; t++) {
            bars(rng, x, labels);
            head.forward(fx.forward(x, false), logits);
            errors += SoftmaxCrossEntropy.argmax(logits, labels, decisions);
        }
        // (training only the dense head on the untrained extractor's features leaves 20 to 30)
        assertTrue(errors <= 5, errors + " errors in 320 test images");
    }

    private static void bars(SplittableRandom rng, FMatrixRMaj x, int[] labels) {
        for (int b = 0; b < x.numRows; b++) {
            labels[b] = rng.nextInt(2);
            int at = rng.nextInt(8);
            for (int q = 0; q < 64; q++) {
                int row = q / 8;
                int col = q % 8;
                boolean on = labels[b] == 0 ? col == at : row == at;
                x.data[b * 64 + q] = (float) ((on ? 1 : 0) + 0.3 * (rng.nextDouble() - 0.5));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static FMatrixRMaj firstRows(FMatrixRMaj m, int rows) {
        FMatrixRMaj r = new FMatrixRMaj(rows, m.numCols);
        System.arraycopy(m.data, 0, r.data, 0, rows * m.numCols);
        return r;
    }

    /** The mean and biased variance of channel c over the batch and the pixels. */
    private static double[] channelMoments(FMatrixRMaj x, ImageShape shape, int c) {
        List<Double> v = new ArrayList<>();
        for (int b = 0; b < x.numRows; b++) {
            for (int q = 0; q < shape.pixels(); q++) {
                v.add((double) x.data[b * shape.size() + c * shape.pixels() + q]);
            }
        }
        double mean = v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double var = v.stream().mapToDouble(d -> (d - mean) * (d - mean)).average().orElseThrow();
        return new double[] {mean, var};
    }

    private static long count(List<Param> params) {
        return params.stream().mapToLong(Param::size).sum();
    }

    private static void assertClose(String what, double[] expected, float[] actual) {
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, scale), what + ", entry " + i);
        }
    }

    private FMatrixRMaj random(int rows, int cols) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        randomise(m.data);
        return m;
    }

    private void randomise(float[] d) {
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (2 * rand.nextDouble() - 1);
        }
    }

    private static FMatrixRMaj filled(int rows, int cols, float v) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        java.util.Arrays.fill(m.data, v);
        return m;
    }
}
