package org.grmodelfree.semantic.model;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Activations;
import org.grmodelfree.nn.Dense;
import org.grmodelfree.nn.Layer;
import org.grmodelfree.nn.Param;

/**
 * The semantic receiver (docs/design.md, "Semantic communication"): one dense ReLU layer of width N_w whose weights are
 * shared by all agents' received signals, the mean over the agents (aggregation), and a dense
 * layer to the class logits (the softmax is in the loss).
 *
 * <p>Input: the agents' received signals stacked agent-major, A*B x N_Tx (rows a*B .. a*B+B-1 are
 * agent a's). The shared layer runs once on the stack, which is exactly "the same layer applied to
 * every agent's input" and sums the weight gradients over the agents. Buffers grow only with the
 * batch.
 */
public final class SemanticReceiver implements Layer {
    private final int agents;
    private final Dense hidden;
    private final Dense out;
    private FMatrixRMaj y;
    private final FMatrixRMaj h = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj pooled = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj logits = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gPooled = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gh = new FMatrixRMaj(1, 1);

    public SemanticReceiver(int agents, int channelUses, int width, int classes, RandomGenerator rng) {
        this.agents = agents;
        hidden = new Dense("rx.shared", channelUses, width, rng);
        out = new Dense("rx.out", width, classes, rng);
    }

    public int agents() {
        return agents;
    }

    /** N_Tx per agent. */
    public int channelUses() {
        return hidden.in();
    }

    /** Logits (B x classes, live view) of the stacked received signals y (A*B x N_Tx, not modified). */
    public FMatrixRMaj forward(FMatrixRMaj y) {
        if (y.numCols != hidden.in() || y.numRows % agents != 0) {
            throw new IllegalArgumentException("SemanticReceiver: received block is " + y.numRows + "x" + y.numCols
                    + ", needs " + agents + " agents x B rows of " + hidden.in() + " values");
        }
        this.y = y;
        int b = y.numRows / agents;
        int w = hidden.out();
        h.reshape(y.numRows, w);
        hidden.forward(y, h);
        Activations.relu(h);
        pooled.reshape(b, w);
        float inv = 1f / agents;
        float[] hd = h.data;
        float[] pd = pooled.data;
        for (int i = 0; i < b * w; i++) {
            float s = 0;
            for (int a = 0; a < agents; a++) {
                s += hd[a * b * w + i];
            }
            pd[i] = s * inv;
        }
        logits.reshape(b, out.out());
        out.forward(pooled, logits);
        return logits;
    }

    /**
     * Back-propagates dL/dlogits of the last forward pass into the parameter gradients
     * (overwriting them) and, when gy is not null, dL/dy into gy (reshaped to y's shape).
     */
    public void backward(FMatrixRMaj gLogits, FMatrixRMaj gy) {
        int b = pooled.numRows;
        int w = pooled.numCols;
        gPooled.reshape(b, w);
        out.backward(pooled, gLogits, gPooled);
        gh.reshape(h.numRows, w);
        float inv = 1f / agents;
        float[] hd = h.data;
        float[] gp = gPooled.data;
        float[] gd = gh.data;
        for (int a = 0; a < agents; a++) {
            int o = a * b * w;
            for (int i = 0; i < b * w; i++) {
                gd[o + i] = hd[o + i] > 0f ? gp[i] * inv : 0f;
            }
        }
        if (gy != null) {
            gy.reshape(y.numRows, y.numCols);
        }
        hidden.backward(y, gh, gy);
    }

    @Override
    public List<Param> params() {
        List<Param> p = new ArrayList<>(hidden.params());
        p.addAll(out.params());
        return p;
    }
}
