package org.grmodelfree.train;

import org.grmodelfree.comm.Receiver;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.comm.Transmitter;

/**
 * The transmitter and receiver of a configuration, initialised from its seed in one fixed order
 * (transmitter first). Every way of running a configuration builds its networks here, so the
 * embedded trainers and a split run start from the same weights.
 */
public record Networks(Transmitter transmitter, Receiver receiver) {

    public static Networks create(TrainConfig c) {
        c.requireFits(Runtime.getRuntime().maxMemory());
        Rng init = new Rng(c.seed());
        Transmitter tx = new Transmitter(c.messages(), c.symbols(), c.txHidden(), c.energy(), init);
        Receiver rx = Receiver.create(c.channel(), c.messages(), c.symbols(), c.rxHidden(), init);
        return new Networks(tx, rx);
    }
}
