package org.grmodelfree.sweep;

import java.util.ArrayList;
import java.util.List;
import org.grmodelfree.run.Outputs;
import org.grmodelfree.run.TrainingSession;
import org.grmodelfree.train.BlerPoint;
import org.grmodelfree.train.Evaluator;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;

/**
 * Trains one cell and measures it, exactly as {@code ./modelfree train} would with the same
 * configuration: the same learning-curve estimates (the run's validation set every
 * {@code eval_every} iterations), patience, receiver fine-tuning, and final BLER points. Nothing is
 * written: the result is returned.
 */
public final class CellRun {
    private CellRun() {
    }

    /** The cell's result (status done); whatever fails is thrown, for the task to retry. */
    public static CellResult run(Cell cell) {
        long t0 = System.nanoTime();
        TrainConfig c = cell.config();
        Measure m = cell.measure();
        Trainer t = Trainer.create(c);
        Evaluator validation = new Evaluator(c.seed() + TrainingSession.VALIDATION_SEED, Long.MAX_VALUE,
                c.evalMessages(), c.evalMessages(), 10_000);
        List<CellResult.CurvePoint> curve = new ArrayList<>();
        double lossSum = 0;
        int sinceEval = 0;
        double best = Double.NaN;
        int sinceBest = 0;
        String stoppedBy = "iterations";
        while (t.iteration() < c.iterations()) {
            double loss = t.iterate().rxLoss();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("the receiver's loss became " + loss + " at iteration " + t.iteration());
            }
            lossSum += loss;
            sinceEval++;
            int done = t.iteration();
            if (c.evalEvery() > 0 && (done % c.evalEvery() == 0 || done == c.iterations())) {
                double bler = validation.bler(t.transmitter().codebook(), t.receiver(), c.channel(), c.snrDb()).bler();
                curve.add(new CellResult.CurvePoint(done, bler, lossSum / sinceEval));
                lossSum = 0;
                sinceEval = 0;
                if (Double.isNaN(best) || bler < best) {
                    best = bler;
                    sinceBest = 0;
                } else if (c.patience() > 0 && ++sinceBest >= c.patience()) {
                    stoppedBy = "patience";
                    break;
                }
            }
        }
        if (c.fineTuneSteps() > 0) {
            t.fineTuneReceiver(c.fineTuneSteps());
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        Double bler = null;
        Long errors = null;
        Long messages = null;
        Double minDistance = null;
        List<CellResult.SnrPoint> snrCurve = new ArrayList<>();
        List<BlerPoint> points;
        if (m.testMessages() > 0) {
            Outputs.Evaluation ev = Outputs.evaluate(t.transmitter().codebook(), t.receiver(), c.channel(), c.snrDb(),
                    m.snrs(), c.seed(), m.testMessages(), m.maxMessages());
            bler = ev.test().bler();
            errors = ev.test().errors();
            messages = ev.test().messages();
            if (ev.minDistance() != null) {
                minDistance = ev.minDistance().bler();
            }
            points = ev.curve();
        } else {
            points = Outputs.curve(t.transmitter().codebook(), t.receiver(), c.channel(), m.snrs(), c.seed(),
                    m.maxMessages());
        }
        for (BlerPoint p : points) {
            snrCurve.add(new CellResult.SnrPoint(p.snrDb(), p.bler(), p.errors(), p.messages()));
        }
        return new CellResult(cell.key(), cell.axes(), CellResult.DONE, null, 1, null,
                (System.nanoTime() - t0) / 1e9, trainSeconds, t.iteration(), stoppedBy, curve, bler, errors, messages,
                minDistance, snrCurve);
    }
}
