package org.grmodelfree.semantic.model;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.PolicySampler;
import org.grmodelfree.nn.Adam;

/**
 * One agent's side of RL-SINFONY: its {@link Agent}, its Gaussian policy and its own Adam (weight
 * decay on the extractor's kernels). It sees its quadrants and, after a transmitter-phase batch,
 * the per-example losses the receiver fed back; never the channel or the receiver. Used by
 * {@link SemanticTrainer} for each of the four agents in one process, and by the agent block in a
 * process of its own.
 *
 * <p>Order of use per batch: {@link #send} (explore for a transmitter-phase batch), then, for a
 * transmitter-phase batch only, {@link #learn} with that batch's losses.
 */
public final class AgentLearner {
    private final Agent agent;
    private final Adam optimiser;
    private final PolicySampler sampler;
    private final FMatrixRMaj xp;
    private final FMatrixRMaj gx;
    private final boolean mirrored;
    private FMatrixRMaj x;

    public AgentLearner(Agent agent, SemanticConfig c) {
        this.agent = agent;
        this.optimiser = new Adam(agent.params()).weightDecay(c.weightDecay(), agent.kernels()::contains);
        this.sampler = new PolicySampler(c.sigma2());
        this.mirrored = c.mirrored();
        this.xp = new FMatrixRMaj(c.sendsPerImage() * c.batch(), c.channelUses());
        this.gx = new FMatrixRMaj(c.batch(), c.channelUses());
    }

    public Agent agent() {
        return agent;
    }

    public Adam optimiser() {
        return optimiser;
    }

    /** The policy (its s^2 may be changed between batches). */
    public PolicySampler sampler() {
        return sampler;
    }

    /**
     * Encodes the quadrants (training mode) and returns what the agent sends: the encoder's output,
     * or with explore its perturbation by the policy, drawn from rng (mirrored: 2B rows, each image
     * with +w and then, B rows later, with -w). A live view, valid until the next call.
     */
    public FMatrixRMaj send(FMatrixRMaj quadrants, boolean explore, RandomGenerator rng) {
        x = agent.forward(quadrants, true);
        if (!explore) {
            return x;
        }
        if (mirrored) {
            sampler.perturbMirrored(x, xp, rng);
        } else {
            sampler.perturb(x, xp, rng);
        }
        return xp;
    }

    /**
     * One policy-gradient step from the last explored batch: grad = mean_i weight_i grad log
     * pi(xp_i | x_i) over every action sent (2B when mirrored), weight_i = the fed-back loss minus the
     * baseline. weights not modified.
     */
    public void learn(float[] weights, double lr) {
        sampler.scoreGradient(x, xp, weights, 1f / xp.numRows, gx);
        agent.backward(gx);
        optimiser.step(lr);
    }

    /**
     * sum_i weight_i d log pi(xp_i | x_i) / d s^2 over the last explored batch's actions (read before
     * {@link #learn}, which changes nothing it uses); see {@link PolicySampler#sigma2Score}.
     */
    public double sigma2Score(float[] weights) {
        return sampler.sigma2Score(x, xp, weights);
    }
}
