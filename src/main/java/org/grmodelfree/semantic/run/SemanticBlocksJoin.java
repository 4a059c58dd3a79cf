package org.grmodelfree.semantic.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.grmodelfree.nn.Param;
import org.grmodelfree.report.Json;
import org.grmodelfree.run.Progress;
import org.grmodelfree.semantic.data.Dataset;
import org.grmodelfree.semantic.model.Agent;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.grmodelfree.semantic.model.SemanticCurve;
import org.grmodelfree.semantic.model.SemanticTrainer;
import org.grmodelfree.semantic.store.SemanticBlockCheckpoint;

/**
 * A semantic run trained by the separate block processes (four semantic-agent blocks and a
 * semantic-receiver, e.g. in a GNU Radio flowgraph): their final checkpoints joined into one
 * trainer, evaluated and written as {@code ./modelfree semantic train} writes its run.
 */
public final class SemanticBlocksJoin {
    private SemanticBlocksJoin() {
    }

    /**
     * The checkpoints (*.ckpt) in dir joined into a trainer: agent k's weights and batch-norm
     * statistics from the semantic-agent checkpoint of agent k, the receiver's from the
     * semantic-receiver's. Every checkpoint must be at the same, final, step. The trainer's
     * configuration is the receiver's, with the reduced test subset and its SNR range set to snrDb (the
     * channel the flowgraph trained over).
     */
    public static SemanticTrainer join(Path dir, double snrDb) throws IOException {
        SemanticBlockCheckpoint.Loaded[] agents = new SemanticBlockCheckpoint.Loaded[SemanticConfig.AGENTS];
        SemanticBlockCheckpoint.Loaded receiver = null;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".ckpt")).sorted().toList();
        }
        for (Path f : files) {
            SemanticBlockCheckpoint.Loaded l = SemanticBlockCheckpoint.load(f);
            if (l.block().equals("semantic-receiver")) {
                receiver = l;
            } else if (l.block().equals("semantic-agent") && l.agent() >= 0 && l.agent() < agents.length
                    && agents[l.agent()] == null) {
                agents[l.agent()] = l;
            } else {
                throw new IllegalStateException(f + ": a checkpoint of " + l.block() + " (agent " + l.agent()
                        + ") beside another one of it, or of no semantic block");
            }
        }
        if (receiver == null) {
            throw new IllegalStateException("no semantic-receiver checkpoint in " + dir);
        }
        SemanticConfig r = receiver.config();
        int perEpoch = r.trainImages() / r.batch();
        long total = (long) perEpoch * (r.epochs() + r.fineTuneEpochs());
        for (int k = 0; k < agents.length; k++) {
            if (agents[k] == null) {
                throw new IllegalStateException("no semantic-agent checkpoint of agent " + k + " in " + dir);
            }
            if (agents[k].step() != receiver.step()) {
                throw new IllegalStateException("agent " + k + "'s checkpoint is at batch " + agents[k].step()
                        + ", the receiver's at batch " + receiver.step() + ": the run did not end");
            }
        }
        if (r.trainImages() > 0 && receiver.step() != total) {
            throw new IllegalStateException("the receiver's checkpoint is at batch " + receiver.step() + " of "
                    + total + ": the run did not end");
        }
        SemanticConfig c = new SemanticConfig(r.dataset(), r.method(), r.reduced(), r.trainImages(),
                r.reduced() ? SemanticConfig.REDUCED_TEST : 0, r.channelUses(), r.rxWidth(), r.batch(), r.lr(),
                r.weightDecay(), snrDb, snrDb, r.sigma2(), r.learnSigma2(), r.baseline(), r.mirrored(), r.rxSteps(),
                r.txSteps(), r.epochs(), r.fineTuneEpochs(), r.seed());
        SemanticTrainer t = new SemanticTrainer(c, SemanticSession.data(c).train());
        for (int k = 0; k < agents.length; k++) {
            Agent a = t.agents()[k];
            List<Param> tensors = new ArrayList<>(a.params());
            tensors.addAll(a.buffers());
            copy(agents[k], tensors);
        }
        copy(receiver, t.receiver().params());
        t.position(c.epochs() + c.fineTuneEpochs(), receiver.step());
        return t;
    }

    private static void copy(SemanticBlockCheckpoint.Loaded l, List<Param> params) {
        for (Param p : params) {
            float[] data = l.tensors().get(p.name());
            int[] shape = l.shapes().get(p.name());
            if (data == null || shape[0] != p.value().numRows || shape[1] != p.value().numCols) {
                throw new IllegalStateException("the " + l.block() + " checkpoint has no " + p.value().numRows + "x"
                        + p.value().numCols + " tensor " + p.name());
            }
            System.arraycopy(data, 0, p.value().data, 0, data.length);
        }
    }

    /**
     * Joins the checkpoints in blocks (see {@link #join}), evaluates the system and writes the files of
     * {@code ./modelfree semantic train} into dir, its summary.json with extra's keys added; returns
     * the summary. The learning curve has one point: the end, with the receiver's loss on its last
     * epoch (receiverLoss) and the test set at snrDb.
     */
    public static Map<String, Object> finish(Path blocks, double snrDb, double trainSeconds, double receiverLoss,
                                             double[] snrs, Path dir, Progress progress, Map<String, Object> extra)
            throws IOException {
        double loadStart = SemanticSession.loadAverage();
        SemanticTrainer t = join(blocks, snrDb);
        Dataset test = SemanticSession.data(t.config()).test();
        SemanticTrainer.Accuracy a = t.evaluate(test, snrDb, snrDb, SemanticSession.CURVE_SEED);
        SemanticCurve curve = new SemanticCurve();
        curve.add(new SemanticCurve.Point(t.epochsDone(), trainSeconds, Double.NaN, receiverLoss, Double.NaN,
                t.sigma2(), a.loss(), a.accuracy()));
        progress.message(String.format(Locale.ROOT, "joined the blocks' checkpoints: test accuracy %.4f at %.1f dB",
                a.accuracy(), snrDb));
        Map<String, Object> s = new LinkedHashMap<>(SemanticSession.finish(t, test, curve, trainSeconds, Double.NaN,
                loadStart, snrs, dir, progress));
        s.put("accuracy_at_training_snr", a.accuracy());
        s.putAll(extra);
        Json.write(dir.resolve("summary.json"), s);
        return s;
    }
}
