package org.grmodelfree.semantic.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.nn.Param;
import org.junit.jupiter.api.Test;

/**
 * The receiver's backward pass (shared layer, mean over agents, output layer) against central
 * differences of L = sum(G .* logits), for its parameters and its input (the gradient the
 * model-aware method sends through the noise layer into the transmitters).
 */
class SemanticReceiverTest {
    private final Random rand = new Random(345);

    @Test
    void gradientsMatchFiniteDifferences() {
        SemanticReceiver rx = new SemanticReceiver(4, 6, 8, 10, new Rng(3));
        for (Param p : rx.params()) {
            for (int i = 0; i < p.value().data.length; i++) {
                p.value().data[i] += (float) (0.1 * rand.nextGaussian());
            }
        }
        FMatrixRMaj y = random(4 * 3, 6);
        FMatrixRMaj g = random(3, 10);
        FMatrixRMaj gy = new FMatrixRMaj(1, 1);
        rx.forward(y);
        rx.backward(g, gy);
        int checked = check(y.data, gy.data, () -> dot(rx.forward(y), g));
        for (Param p : rx.params()) {
            float[] analytic = p.grad().data.clone();
            checked += check(p.value().data, analytic, () -> dot(rx.forward(y), g));
        }
        assertTrue(checked > 200, "only " + checked + " entries away from ReLU kinks");
    }

    @Test
    void theSharedLayerTreatsAgentsAlike() {
        SemanticReceiver rx = new SemanticReceiver(4, 6, 8, 10, new Rng(3));
        FMatrixRMaj y = random(4 * 2, 6);
        float[] a = rx.forward(y).data.clone();
        // Swapping two agents' rows changes nothing: one layer for all, then a mean.
        FMatrixRMaj swapped = y.copy();
        System.arraycopy(y.data, 0, swapped.data, 2 * 2 * 6, 2 * 6);
        System.arraycopy(y.data, 2 * 2 * 6, swapped.data, 0, 2 * 6);
        float[] b = rx.forward(swapped).data;
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-5);
        }
        assertThrows(IllegalArgumentException.class, () -> rx.forward(random(7, 6)));
        assertThrows(IllegalArgumentException.class, () -> rx.forward(random(8, 5)));
    }

    interface Loss {
        double eval();
    }

    /** Checks entries whose one-sided differences agree (no ReLU kink within the step); returns how many. */
    static int check(float[] values, float[] analytic, Loss loss) {
        double eps = 1e-2;
        int checked = 0;
        for (int i = 0; i < values.length; i++) {
            float keep = values[i];
            double mid = loss.eval();
            values[i] = (float) (keep + eps);
            double up = loss.eval();
            values[i] = (float) (keep - eps);
            double down = loss.eval();
            values[i] = keep;
            double fwd = (up - mid) / eps;
            double bwd = (mid - down) / eps;
            if (Math.abs(fwd - bwd) > 1e-2 + 0.05 * Math.abs(fwd)) {
                continue;
            }
            double num = (up - down) / (2 * eps);
            assertEquals(num, analytic[i], 2e-3 + 2e-2 * Math.abs(num), "entry " + i);
            checked++;
        }
        return checked;
    }

    FMatrixRMaj random(int r, int c) {
        FMatrixRMaj m = new FMatrixRMaj(r, c);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) rand.nextGaussian();
        }
        return m;
    }

    static double dot(FMatrixRMaj a, FMatrixRMaj b) {
        double s = 0;
        for (int i = 0; i < a.getNumElements(); i++) {
            s += (double) a.data[i] * b.data[i];
        }
        return s;
    }
}
