package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.grmodelfree.nn.Param;
import org.grmodelfree.train.Networks;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.TransmitterLearner;
import org.grmodelfree.train.ScheduledTransmitter;
import org.grmodelfree.wire.ControlMessage;
import org.junit.jupiter.api.Test;

/**
 * The exploration variance changed while training (GRC's set_sigma2 callback): the runner checks
 * the value against the declaration, the sampler draws with it and says so in 'sent', and the
 * transmitter's policy gradient assumes what the sampler says.
 */
class RuntimeSigma2Test {
    private static final List<String> RUN = BlockGraphTest.replace(BlockGraphTest.SMALL, "--iterations", "3");

    @Test
    void the_runner_takes_only_run_time_parameters_with_valid_values() {
        PolicySamplerBlock sampler = new PolicySamplerBlock(BlockGraphTest.params(PolicySamplerBlock.SPEC, RUN));
        BlockRunner runner = new BlockRunner(sampler, BlockGraphTest.params(PolicySamplerBlock.SPEC, RUN), line -> { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runner.set("messages", "4"));
        assertTrue(e.getMessage().contains("'messages' cannot change while the block runs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> runner.set("sigma2", "1.5"));
        assertTrue(e.getMessage().contains("above the maximum"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> runner.set("sigma2", "lots"));
        assertTrue(e.getMessage().contains("not a number"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> runner.set("no_such", "1"));
        runner.set("sigma2", "0.3"); // accepted, applied before the next work call
        LossFeedbackBlock feedback = new LossFeedbackBlock(LossFeedbackBlock.SPEC.parse(List.of()));
        assertThrows(IllegalArgumentException.class, () -> feedback.set(TrainingParams.SIGMA2, 0.3), "no run-time parameters");
    }

    /** The sampler's 'sent' messages of a short run, with sigma2 set to s2 before it (null: not set). */
    private static List<ControlMessage.Sent> sent(Double s2) {
        TransmitterBlock tx = new TransmitterBlock(BlockGraphTest.params(TransmitterBlock.SPEC, RUN));
        PolicySamplerBlock sampler = new PolicySamplerBlock(BlockGraphTest.params(PolicySamplerBlock.SPEC, RUN));
        if (s2 != null) {
            sampler.set(TrainingParams.SIGMA2, s2);
        }
        // no feedback: the transmitter skips each transmitter-phase batch after its timeout (virtual time)
        LocalGraph g = new LocalGraph().add("tx", tx).add("sampler", sampler).connect("tx", "out", "sampler", "in");
        g.run("tx", "sampler");
        List<ControlMessage.Sent> l = new ArrayList<>();
        g.messages("sampler", "sent").forEach(m -> l.add(assertInstanceOf(ControlMessage.Sent.class, m)));
        assertEquals(3, l.size(), "one transmitter-phase batch per iteration");
        return l;
    }

    @Test
    void the_sampler_draws_with_the_variance_set_and_reports_it() {
        List<ControlMessage.Sent> schedule = sent(null);
        List<ControlMessage.Sent> set = sent(0.3);
        TrainConfig c = TrainingParams.config(BlockGraphTest.params(PolicySamplerBlock.SPEC, RUN));
        for (int b = 0; b < 3; b++) {
            double a = c.sigma2At(b);
            assertEquals(a, schedule.get(b).sigma2(), 1e-15, "the schedule's s^2 at iteration " + b);
            assertEquals(0.3, set.get(b).sigma2(), 0, "the s^2 set");
            // Same messages, codebook and noise draws, so x_p(0.3) - k x_p(a) = (sqrt(0.3) - k sqrt(a)) w / sqrt(2)
            // with k = sqrt(0.7 / (1 - a)) and w of unit variance per real value.
            double k = Math.sqrt(0.7 / (1 - a));
            float[] p = set.get(b).samples();
            float[] q = schedule.get(b).samples();
            double sum = 0;
            for (int i = 0; i < p.length; i++) {
                double r = p[i] - k * q[i];
                sum += r * r;
            }
            double expected = Math.pow(Math.sqrt(0.3) - k * Math.sqrt(a), 2) / 2;
            assertEquals(expected, sum / p.length, 0.1 * expected, "variance of the residual at iteration " + b);
        }
    }

    @Test
    void the_policy_gradient_assumes_the_variance_the_sampler_reports() {
        TrainConfig scheduled = TrainingParams.config(BlockGraphTest.params(TransmitterBlock.SPEC, RUN));
        TrainConfig at03 = TrainingParams.config(BlockGraphTest.params(TransmitterBlock.SPEC,
                BlockGraphTest.replace(BlockGraphTest.replace(RUN, "--sigma2", "0.3"), "--sigma2_final", "0.3")));
        float[] told = step(scheduled, 0.3);
        assertArrayEquals(step(at03, Double.NaN), told, "reported 0.3 = a schedule of 0.3");
        assertFalse(java.util.Arrays.equals(step(scheduled, Double.NaN), told), "the schedule's own s^2 differs");
    }

    /** The transmitter's weights after one policy-gradient step on fixed samples and losses. */
    private static float[] step(TrainConfig c, double sigma2) {
        ScheduledTransmitter side = new ScheduledTransmitter(new TransmitterLearner(Networks.create(c).transmitter(), c.sigma2(),
                c.baseline()), c);
        long batch = side.schedule().batchId(0, c.rxSteps());
        float[] x = new float[2 * c.batchTx() * c.symbols()];
        side.encode(batch, x, 0);
        SplittableRandom r = new SplittableRandom(3);
        float[] losses = new float[c.batchTx()];
        for (int i = 0; i < x.length; i++) {
            x[i] += (float) (0.2 * r.nextGaussian());
        }
        for (int i = 0; i < losses.length; i++) {
            losses[i] = (float) r.nextDouble(3);
        }
        side.learn(batch, x, losses, sigma2);
        List<Float> w = new ArrayList<>();
        for (Param p : side.learner().transmitter().params()) {
            for (float v : p.value().data) {
                w.add(v);
            }
        }
        float[] out = new float[w.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = w.get(i);
        }
        return out;
    }
}
