package org.grmodelfree.comm;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Dense;
import org.grmodelfree.nn.Embedding;
import org.grmodelfree.nn.EnergyNormalization;
import org.grmodelfree.nn.Layer;
import org.grmodelfree.nn.Param;
import org.grmodelfree.nn.Activations;

/**
 * The learned transmitter f_T: embedding (M x hidden) -> ELU -> dense 2N (linear) -> energy
 * normalisation. Because its input is a message index, the whole transmitter is a codebook of M
 * points; the normalisation is taken over that codebook (mean energy one per complex symbol for
 * uniform messages), in training and at inference alike, so what is trained is what is deployed.
 * With {@link EnergyScope#BATCH} (the paper's choice) a training batch is normalised over its own
 * symbols instead, and its gradient passes through that batch's normalisation; the codebook (what
 * is evaluated and deployed) stays normalised over all messages.
 *
 * <p>Order of use: {@link #codebook()} (recomputed lazily after parameters change), {@link #encode}
 * for a batch, {@link #backward} with dL/dx of that batch, an optimiser step, then
 * {@link #parametersChanged()}.
 */
public final class Transmitter implements Layer {
    private final int messages;
    private final int symbols;
    private final Embedding embedding;
    private final Dense dense;
    private final EnergyNormalization norm = new EnergyNormalization();
    private final EnergyScope energy;
    private final EnergyNormalization batchNorm = new EnergyNormalization();
    /** BATCH: the unnormalised rows of the last encoded batch, and their gradient. */
    private final FMatrixRMaj zb = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gzb = new FMatrixRMaj(1, 1);
    private int encodedRows = -1;
    private final FMatrixRMaj h;
    private final FMatrixRMaj z;
    private final FMatrixRMaj code;
    private final FMatrixRMaj gCode;
    private final FMatrixRMaj gz;
    private final FMatrixRMaj gh;
    private boolean stale = true;

    public Transmitter(int messages, int symbols, int hidden, RandomGenerator rng) {
        this(messages, symbols, hidden, EnergyScope.CODEBOOK, rng);
    }

    /** @param energy over what a training batch is normalised */
    public Transmitter(int messages, int symbols, int hidden, EnergyScope energy, RandomGenerator rng) {
        if (messages < 2 || symbols < 1 || hidden < 1) {
            throw new IllegalArgumentException("Transmitter: need M >= 2, N >= 1, hidden >= 1, got M="
                    + messages + " N=" + symbols + " hidden=" + hidden);
        }
        this.messages = messages;
        this.symbols = symbols;
        this.energy = java.util.Objects.requireNonNull(energy, "energy");
        this.embedding = new Embedding("tx.embedding", messages, hidden, rng);
        this.dense = new Dense("tx.dense", hidden, 2 * symbols, rng);
        h = new FMatrixRMaj(messages, hidden);
        z = new FMatrixRMaj(messages, 2 * symbols);
        code = new FMatrixRMaj(messages, 2 * symbols);
        gCode = new FMatrixRMaj(messages, 2 * symbols);
        gz = new FMatrixRMaj(messages, 2 * symbols);
        gh = new FMatrixRMaj(messages, hidden);
    }

    public int messages() {
        return messages;
    }

    /** Complex channel symbols per message (N). */
    public int symbols() {
        return symbols;
    }

    /** The normalised codebook, M x 2N, a live view valid until the parameters change. */
    public FMatrixRMaj codebook() {
        if (stale) {
            // The codebook embeds every message once, in order: the lookup is the table itself.
            Activations.elu(embedding.table().value(), h);
            dense.forward(h, z);
            norm.forward(z, code);
            stale = false;
        }
        return code;
    }

    public EnergyScope energy() {
        return energy;
    }

    /**
     * x[i, :] = codebook row msgs[i] for the first count messages; x is reshaped to count x 2N. With
     * {@link EnergyScope#BATCH}, the rows before normalisation, normalised over these count rows.
     */
    public void encode(int[] msgs, int count, FMatrixRMaj x) {
        FMatrixRMaj c = codebook();
        int w = 2 * symbols;
        FMatrixRMaj rows = c;
        FMatrixRMaj into = x;
        if (energy == EnergyScope.BATCH) {
            rows = z;
            into = zb;
        }
        into.reshape(count, w);
        for (int i = 0; i < count; i++) {
            int m = msgs[i];
            if (m < 0 || m >= messages) {
                throw new IllegalArgumentException("Transmitter: message " + m + " outside 0.." + (messages - 1));
            }
            System.arraycopy(rows.data, m * w, into.data, i * w, w);
        }
        if (energy == EnergyScope.BATCH) {
            x.reshape(count, w);
            batchNorm.forward(zb, x);
            encodedRows = count;
        }
    }

    /**
     * Writes the parameter gradients of sum_i gx_i . x_i, where x_i is row i of the last
     * {@link #encode} of msgs and gx (count x 2N) is dL/dx of it. msgs and gx not modified.
     */
    public void backward(int[] msgs, FMatrixRMaj gx) {
        codebook();
        int w = 2 * symbols;
        scatterAdd(msgs, gx, gCode);
        if (energy == EnergyScope.BATCH) {
            if (gx.numRows != encodedRows) {
                throw new IllegalArgumentException("Transmitter: a gradient of " + gx.numRows + " rows for the last"
                        + " encoded batch of " + encodedRows);
            }
            gzb.reshape(gx.numRows, w);
            batchNorm.backward(zb, gx, gzb);
            scatterAdd(msgs, gzb, gz);
        } else {
            norm.backward(z, gCode, gz);
        }
        dense.backward(h, gz, gh);
        // The lookup of every message in order is the identity, so its gradient is ELU's directly.
        Activations.eluBackward(embedding.table().value(), h, gh, embedding.table().grad());
    }

    /** to = 0, then row msgs[i] of to += row i of from, for every row of from: a batch's gradient per message. */
    private static void scatterAdd(int[] msgs, FMatrixRMaj from, FMatrixRMaj to) {
        int w = from.numCols;
        java.util.Arrays.fill(to.data, 0f);
        for (int i = 0; i < from.numRows; i++) {
            int o = msgs[i] * w;
            for (int j = 0; j < w; j++) {
                to.data[o + j] += from.data[i * w + j];
            }
        }
    }

    /**
     * dL/d(codebook) (M x 2N) accumulated by the last {@link #backward}, before the normalisation
     * and the network: the gradient with respect to what is transmitted. Live view.
     */
    public FMatrixRMaj codebookGradient() {
        return gCode;
    }

    /** Marks the codebook stale after the parameters were changed (optimiser step, restore). */
    public void parametersChanged() {
        stale = true;
    }

    @Override
    public List<Param> params() {
        List<Param> p = new ArrayList<>(embedding.params());
        p.addAll(dense.params());
        return p;
    }
}
