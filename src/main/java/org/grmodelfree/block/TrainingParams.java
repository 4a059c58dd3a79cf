package org.grmodelfree.block;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
public final class TrainingParams {
    private static final TrainConfig D = TrainConfig.defaults(ChannelKind.AWGN);

    static final ParamSpec MESSAGES = ParamSpec.integer("messages", "Messages (M)", D.messages(), 2L, 65536L,
            "number of messages M");
    static final ParamSpec SYMBOLS = ParamSpec.integer("symbols", "Symbols per message (N)", D.symbols(), 1L, 1024L,
            "complex channel uses per message N");
    static final ParamSpec ITERATIONS = ParamSpec.integer("iterations", "Iterations", D.iterations(), 0L,
            100_000_000L, "training iterations; each is rx_steps receiver batches then tx_steps transmitter batches");
    static final ParamSpec BATCH_RX = ParamSpec.integer("batch_rx", "Receiver batch", D.batchRx(), 1L, 1_000_000L,
            "messages per receiver-phase batch");
    static final ParamSpec BATCH_TX = ParamSpec.integer("batch_tx", "Transmitter batch", D.batchTx(), 1L, 1_000_000L,
            "messages per transmitter-phase batch");
    static final ParamSpec RX_STEPS = ParamSpec.integer("rx_steps", "Receiver steps", D.rxSteps(), 1L, 1000L,
            "receiver-phase batches per iteration").inAdvanced();
    static final ParamSpec TX_STEPS = ParamSpec.integer("tx_steps", "Transmitter steps", D.txSteps(), 0L, 1000L,
            "transmitter-phase batches per iteration").inAdvanced();
    static final ParamSpec SEED = ParamSpec.integer("seed", "Seed", D.seed(), null, null,
            "shared seed: training messages, initial weights, exploration");
    static final ParamSpec SIGMA2 = ParamSpec.real("sigma2", "Exploration variance", D.sigma2(), 1e-6, 0.999,
            "policy variance s^2: x_p = sqrt(1 - s^2) x + w, w ~ CN(0, s^2); set while training, it"
                    + " replaces the annealing schedule (the sampler tells the transmitter in 'sent')").atRuntime();
    static final ParamSpec SIGMA2_FINAL = ParamSpec.real("sigma2_final", "Final exploration variance", 0, 0.0, 0.999,
            "s^2 at the last iteration, geometric annealing (0: same as sigma2)").inAdvanced();
    static final ParamSpec CHANNEL = ParamSpec.choice("channel", "Receiver for", D.channel().id(),
            List.of("awgn", "rbf"), "receiver architecture: awgn, or rbf (with a channel estimator for block fading)");
    static final ParamSpec HIDDEN = ParamSpec.integer("hidden", "Hidden width", D.rxHidden(), 1L, 65536L,
            "hidden width of transmitter and receiver networks");
    static final ParamSpec LR_RX = ParamSpec.real("lr_rx", "Receiver learning rate", D.lrRx(), 1e-9, 1.0,
            "initial Adam rate of the receiver");
    static final ParamSpec LR_TX = ParamSpec.real("lr_tx", "Transmitter learning rate", D.lrTx(), 1e-9, 1.0,
            "initial Adam rate of the transmitter");
    static final ParamSpec LR_FINAL = ParamSpec.real("lr_final", "Final learning-rate factor", D.lrFinalFactor(),
            1e-6, 1.0, "final over initial learning rate, cosine decay (1: constant)").inAdvanced();
    static final ParamSpec BASELINE = ParamSpec.choice("baseline", "Loss baseline", D.baseline().id(),
            Baseline.ids(), "baseline subtracted from the fed-back losses: none, the batch mean, or the mean of the"
                    + " batch's other examples of the same message").inAdvanced();

    static final ParamSpec RX_RESTART = ParamSpec.real("rx_restart", "Receiver rate restart", D.rxRestart(), 0.0,
            0.999, "last fraction of the iterations over which the receiver's learning rate starts again from"
                    + " lr_rx and decays again (0: no restart)").inAdvanced();

    /** What every block that follows the schedule needs: which batch is what, and how big. */
    static final List<ParamSpec> SCHEDULE = List.of(MESSAGES, SYMBOLS, ITERATIONS, BATCH_RX, BATCH_TX, RX_STEPS,
            TX_STEPS, SEED);
    /** The exploration the policy sampler applies. */
    static final List<ParamSpec> EXPLORATION = List.of(SIGMA2, SIGMA2_FINAL);
    /** The networks and their optimisers. */
    static final List<ParamSpec> LEARNING = List.of(CHANNEL, HIDDEN, LR_RX, LR_TX, LR_FINAL, BASELINE,
            RX_RESTART);

    /** How each training parameter is written from a configuration (see {@link #arguments}). */
    private static final Map<ParamSpec, Function<TrainConfig, String>> VALUES = new LinkedHashMap<>();

    static {
        VALUES.put(MESSAGES, c -> Integer.toString(c.messages()));
        VALUES.put(SYMBOLS, c -> Integer.toString(c.symbols()));
        VALUES.put(ITERATIONS, c -> Integer.toString(c.iterations()));
        VALUES.put(BATCH_RX, c -> Integer.toString(c.batchRx()));
        VALUES.put(BATCH_TX, c -> Integer.toString(c.batchTx()));
        VALUES.put(RX_STEPS, c -> Integer.toString(c.rxSteps()));
        VALUES.put(TX_STEPS, c -> Integer.toString(c.txSteps()));
        VALUES.put(SEED, c -> Long.toString(c.seed()));
        VALUES.put(SIGMA2, c -> Double.toString(c.sigma2()));
        VALUES.put(SIGMA2_FINAL, c -> Double.toString(c.sigma2Final()));
        VALUES.put(CHANNEL, c -> c.channel().id());
        VALUES.put(HIDDEN, c -> Integer.toString(c.rxHidden()));
        VALUES.put(LR_RX, c -> Double.toString(c.lrRx()));
        VALUES.put(LR_TX, c -> Double.toString(c.lrTx()));
        VALUES.put(LR_FINAL, c -> Double.toString(c.lrFinalFactor()));
        VALUES.put(BASELINE, c -> c.baseline().id());
        VALUES.put(RX_RESTART, c -> Double.toString(c.rxRestart()));
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
        ChannelKind ch = p.declares(CHANNEL) ? ChannelKind.parse(p.string(CHANNEL)) : ChannelKind.AWGN;
        TrainConfig d = TrainConfig.defaults(ch);
        int m = (int) integer(p, MESSAGES, d.messages());
        int hidden = (int) integer(p, HIDDEN, d.rxHidden());
        double s2 = real(p, SIGMA2, d.sigma2());
        double s2f = real(p, SIGMA2_FINAL, 0);
        return d.toBuilder().method(Method.ALTERNATING).messages(m).symbols((int) integer(p, SYMBOLS, d.symbols()))
                .hidden(hidden).iterations((int) integer(p, ITERATIONS, d.iterations()))
                .batchRx((int) integer(p, BATCH_RX, d.batchRx())).batchTx((int) integer(p, BATCH_TX, d.batchTx()))
                .rxSteps((int) integer(p, RX_STEPS, d.rxSteps())).txSteps((int) integer(p, TX_STEPS, d.txSteps()))
                .lrRx(real(p, LR_RX, d.lrRx())).lrTx(real(p, LR_TX, d.lrTx()))
                .lrFinalFactor(real(p, LR_FINAL, d.lrFinalFactor())).sigma2(s2).sigma2Final(s2f == 0 ? s2 : s2f)
                .baseline(p.declares(BASELINE) ? Baseline.parse(p.string(BASELINE)) : d.baseline()).fineTuneSteps(0)
                .rxRestart(real(p, RX_RESTART, d.rxRestart())).seed(integer(p, SEED, d.seed())).evalEvery(0).patience(0).build();
    }

    private static long integer(Params p, ParamSpec id, long def) {
        return p.declares(id) ? p.integer(id) : def;
    }

    private static double real(Params p, ParamSpec id, double def) {
        return p.declares(id) ? p.real(id) : def;
    }

    /** The command-line arguments that give a configuration's values to a block declaring spec. */
    public static List<String> arguments(BlockSpec spec, TrainConfig c) {
        List<String> a = new ArrayList<>();
        for (ParamSpec p : spec.params()) {
            Function<TrainConfig, String> v = VALUES.get(p);
            if (v != null) {
                a.add(p.flag());
                a.add(v.apply(c));
            }
        }
        return a;
    }
}
