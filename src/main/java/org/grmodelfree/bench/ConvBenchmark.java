package org.grmodelfree.bench;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Param;
import org.grmodelfree.nn.Parallel;
import org.grmodelfree.nn.ResNetFeatureExtractor;
import org.grmodelfree.run.Meters;

/**
 * Times a training step's forward and backward pass of {@link ResNetFeatureExtractor}s on random
 * images, and counts what it allocates. For the bench command; prints nothing, returns figures.
 */
public final class ConvBenchmark {

    /**
     * The figures of one extractor.
     *
     * @param name what was measured
     * @param batch examples per step
     * @param features features per example
     * @param parameters trainable parameters
     * @param macsPerExample multiply-adds of one example's forward pass (convolutions)
     * @param medianMs median time of forward + backward over the timed steps
     * @param p90Ms 90th percentile of the same
     * @param cpuMs CPU time per step of the calling thread and the {@link Parallel} workers
     *              together: the work, whatever else shares the cores
     * @param gflops effective rate, counting 2 flops per multiply-add and the backward pass as
     *               twice the forward
     * @param bytesPerStep heap bytes allocated per timed step by all threads
     */
    public record Result(String name, int batch, int features, long parameters, long macsPerExample,
                         double medianMs, double p90Ms, double cpuMs, double gflops, double bytesPerStep) {
    }


    private ConvBenchmark() {
    }

    /** The paper's Table I extractor and the reduced one, at the paper's batch of 500. */
    public static List<Result> tableIAndReduced(int warmup, int iterations) {
        SplittableRandom rng = new SplittableRandom(1);
        return List.of(
                measure("table I (14 filters, 3 stages x 2 units)", ResNetFeatureExtractor.tableI("f", rng), 500,
                        warmup, iterations),
                measure("reduced (" + ResNetFeatureExtractor.REDUCED_FILTERS + " filters, 3 stages x "
                        + ResNetFeatureExtractor.REDUCED_UNITS + " unit)", ResNetFeatureExtractor.reduced("f", rng), 500,
                        warmup, iterations));
    }

    /**
     * Times {@code iterations} training steps (batch-norm training mode) after {@code warmup}
     * untimed ones. Until the JIT has compiled them the Vector API's operations are slow and
     * allocate; some 20 warm-up steps are needed before the figures settle.
     */
    public static Result measure(String name, ResNetFeatureExtractor fx, int batch, int warmup, int iterations) {
        SplittableRandom rng = new SplittableRandom(2);
        FMatrixRMaj x = new FMatrixRMaj(batch, fx.inShape().size());
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) rng.nextDouble();
        }
        FMatrixRMaj g = new FMatrixRMaj(batch, fx.features());
        for (int i = 0; i < g.data.length; i++) {
            g.data[i] = (float) (rng.nextDouble() - 0.5) / batch;
        }
        for (int i = 0; i < warmup; i++) {
            fx.forward(x, true);
            fx.backward(g);
        }
        double[] ms = new double[iterations];
        long cpuBefore = Meters.cpuNanos();
        long before = Meters.allocatedBytes();
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            fx.forward(x, true);
            fx.backward(g);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        double bytes = (double) (Meters.allocatedBytes() - before) / Math.max(1, iterations);
        double cpu = (Meters.cpuNanos() - cpuBefore) / 1e6 / Math.max(1, iterations);
        Arrays.sort(ms);
        double median = ms[iterations / 2];
        double p90 = ms[Math.min(iterations - 1, (int) Math.ceil(0.9 * iterations) - 1)];
        long params = fx.params().stream().mapToLong(Param::size).sum();
        double gflops = 2.0 * 3 * fx.macsPerExample() * batch / (median * 1e6);
        return new Result(name, batch, fx.features(), params, fx.macsPerExample(), median, p90, cpu, gflops, bytes);
    }
}
