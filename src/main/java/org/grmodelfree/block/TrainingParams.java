package org.grmodelfree.block;

import java.util.ArrayList;
import java.util.List;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.train.Baseline;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;

/**
 * The training parameters the blocks of one run must agree on, declared once and included in the
 * specs of the blocks that need them, with {@code ./modelfree train}'s defaults. Both ends derive
 * the schedule, the batch frames and the training messages from them, so the run's launcher (or a
 * GRC flowgraph's variables) passes the same values to every block.
 */
final class TrainingParams {
    /** What every block that follows the schedule needs: which batch is what, and how big. */
    static final List<ParamSpec> SCHEDULE;
    /** The exploration the policy sampler applies. */
    static final List<ParamSpec> EXPLORATION;
    /** The networks and their optimisers. */
    static final List<ParamSpec> LEARNING;

    static {
        TrainConfig d = TrainConfig.defaults(ChannelKind.AWGN);
        SCHEDULE = List.of(
                ParamSpec.integer("messages", "Messages (M)", d.messages(), 2L, 65536L, "number of messages M"),
                ParamSpec.integer("symbols", "Symbols per message (N)", d.symbols(), 1L, 1024L,
                        "complex channel uses per message N"),
                ParamSpec.integer("iterations", "Iterations", d.iterations(), 0L, 100_000_000L,
                        "training iterations; each is rx_steps receiver batches then tx_steps transmitter batches"),
                ParamSpec.integer("batch_rx", "Receiver batch", d.batchRx(), 1L, 1_000_000L,
                        "messages per receiver-phase batch"),
                ParamSpec.integer("batch_tx", "Transmitter batch", d.batchTx(), 1L, 1_000_000L,
                        "messages per transmitter-phase batch"),
                ParamSpec.integer("rx_steps", "Receiver steps", d.rxSteps(), 1L, 1000L,
                        "receiver-phase batches per iteration").inAdvanced(),
                ParamSpec.integer("tx_steps", "Transmitter steps", d.txSteps(), 0L, 1000L,
                        "transmitter-phase batches per iteration").inAdvanced(),
                ParamSpec.integer("seed", "Seed", d.seed(), null, null,
                        "shared seed: training messages, initial weights, exploration"));
        EXPLORATION = List.of(
                ParamSpec.real("sigma2", "Exploration variance", d.sigma2(), 1e-6, 0.999,
                        "policy variance s^2: x_p = sqrt(1 - s^2) x + w, w ~ CN(0, s^2); set while training, it"
                        + " replaces the annealing schedule (the sampler tells the transmitter in 'sent')").atRuntime(),
                ParamSpec.real("sigma2_final", "Final exploration variance", 0, 0.0, 0.999,
                        "s^2 at the last iteration, geometric annealing (0: same as sigma2)").inAdvanced());
        LEARNING = List.of(
                ParamSpec.choice("channel", "Receiver for", d.channel().id(), List.of("awgn", "rbf"),
                        "receiver architecture: awgn, or rbf (with a channel estimator for block fading)"),
                ParamSpec.integer("hidden", "Hidden width", d.rxHidden(), 1L, 65536L,
                        "hidden width of transmitter and receiver networks"),
                ParamSpec.real("lr_rx", "Receiver learning rate", d.lrRx(), 1e-9, 1.0, "initial Adam rate of the receiver"),
                ParamSpec.real("lr_tx", "Transmitter learning rate", d.lrTx(), 1e-9, 1.0,
                        "initial Adam rate of the transmitter"),
                ParamSpec.real("lr_final", "Final learning-rate factor", d.lrFinalFactor(), 1e-6, 1.0,
                        "final over initial learning rate, cosine decay (1: constant)").inAdvanced(),
                ParamSpec.choice("baseline", "Loss baseline", d.baseline().id(), List.of("none", "mean"),
                        "baseline subtracted from the fed-back losses (batch mean or none)").inAdvanced());
    }

    private TrainingParams() {
    }

    /** The concatenation of several parameter lists. */
    @SafeVarargs
    static List<ParamSpec> concat(List<ParamSpec>... lists) {
        List<ParamSpec> all = new ArrayList<>();
        for (List<ParamSpec> l : lists) {
            all.addAll(l);
        }
        return List.copyOf(all);
    }

    /**
     * The training configuration the parameters describe; those a block does not declare keep
     * {@code ./modelfree train}'s defaults.
     */
    static TrainConfig config(Params p) {
        ChannelKind ch = p.has("channel") ? ChannelKind.parse(p.string("channel")) : ChannelKind.AWGN;
        TrainConfig d = TrainConfig.defaults(ch);
        int m = (int) integer(p, "messages", d.messages());
        int hidden = (int) integer(p, "hidden", d.rxHidden());
        double s2 = real(p, "sigma2", d.sigma2());
        double s2f = real(p, "sigma2_final", 0);
        return new TrainConfig(ch, d.snrDb(), Method.ALTERNATING, m, (int) integer(p, "symbols", d.symbols()),
                hidden, hidden, (int) integer(p, "iterations", d.iterations()),
                (int) integer(p, "batch_rx", d.batchRx()), (int) integer(p, "batch_tx", d.batchTx()),
                (int) integer(p, "rx_steps", d.rxSteps()), (int) integer(p, "tx_steps", d.txSteps()),
                real(p, "lr_rx", d.lrRx()), real(p, "lr_tx", d.lrTx()), real(p, "lr_final", d.lrFinalFactor()),
                s2, s2f == 0 ? s2 : s2f,
                p.has("baseline") ? Baseline.parse(p.string("baseline")) : d.baseline(), 0,
                integer(p, "seed", d.seed()), 0, d.evalMessages(), 0);
    }

    private static long integer(Params p, String id, long def) {
        return p.has(id) ? p.integer(id) : def;
    }

    private static double real(Params p, String id, double def) {
        return p.has(id) ? p.real(id) : def;
    }

    /** The command-line arguments that give a configuration's values to a block declaring spec. */
    static List<String> arguments(BlockSpec spec, TrainConfig c) {
        List<String> a = new ArrayList<>();
        for (ParamSpec p : spec.params()) {
            String v = switch (p.id()) {
                case "messages" -> Integer.toString(c.messages());
                case "symbols" -> Integer.toString(c.symbols());
                case "iterations" -> Integer.toString(c.iterations());
                case "batch_rx" -> Integer.toString(c.batchRx());
                case "batch_tx" -> Integer.toString(c.batchTx());
                case "rx_steps" -> Integer.toString(c.rxSteps());
                case "tx_steps" -> Integer.toString(c.txSteps());
                case "seed" -> Long.toString(c.seed());
                case "sigma2" -> Double.toString(c.sigma2());
                case "sigma2_final" -> Double.toString(c.sigma2Final());
                case "channel" -> c.channel().id();
                case "hidden" -> Integer.toString(c.rxHidden());
                case "lr_rx" -> Double.toString(c.lrRx());
                case "lr_tx" -> Double.toString(c.lrTx());
                case "lr_final" -> Double.toString(c.lrFinalFactor());
                case "baseline" -> c.baseline().id();
                default -> null;
            };
            if (v != null) {
                a.add("--" + p.id());
                a.add(v);
            }
        }
        return a;
    }
}
