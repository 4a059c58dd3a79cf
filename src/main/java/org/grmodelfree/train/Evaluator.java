package org.grmodelfree.train;

import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.Channel;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.Codebooks;
import org.grmodelfree.comm.MessageSource;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.nn.SoftmaxCrossEntropy;

/**
 * Monte Carlo BLER of a fixed codebook (no exploration) and a receiver, or of the minimum-distance
 * decision on the codebook: fresh uniform messages in batches until at least {@code minErrors}
 * block errors (and {@code minMessages} messages), or {@code maxMessages} messages. Reproducible from its seed.
 */
public final class Evaluator {
    private final int batch;
    private final long minErrors;
    private final long minMessages;
    private final long maxMessages;
    private final long seed;
    private final FMatrixRMaj x = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj y = new FMatrixRMaj(1, 1);
    private int[] msgs = new int[0];
    private int[] decisions = new int[0];

    public Evaluator(long seed, long minErrors, long maxMessages, int batch) {
        this(seed, minErrors, 0, maxMessages, batch);
    }

    /**
     * Runs until at least minErrors errors and at least minMessages messages, or maxMessages
     * messages, whichever comes first.
     */
    public Evaluator(long seed, long minErrors, long minMessages, long maxMessages, int batch) {
        if (minErrors < 1 || maxMessages < 1 || batch < 1 || minMessages < 0) {
            throw new IllegalArgumentException("evaluator: error target, message cap and batch must be positive");
        }
        this.seed = seed;
        this.minErrors = minErrors;
        this.minMessages = minMessages;
        this.maxMessages = maxMessages;
        this.batch = batch;
    }

    /** BLER of codebook + receiver on a channel of the given kind at snrDb. Not modified: all arguments. */
    public BlerPoint bler(FMatrixRMaj codebook, Receiver rx, ChannelKind kind, double snrDb) {
        return run(codebook, rx, kind.at(snrDb), snrDb);
    }

    /** BLER of minimum-distance decisions over the codebook (ML on AWGN). */
    public BlerPoint blerMinDistance(FMatrixRMaj codebook, ChannelKind kind, double snrDb) {
        return run(codebook, null, kind.at(snrDb), snrDb);
    }

    private BlerPoint run(FMatrixRMaj codebook, Receiver rx, Channel channel, double snrDb) {
        int m = codebook.numRows;
        int w = codebook.numCols;
        MessageSource source = new MessageSource(m, seed);
        Rng rng = new Rng(seed);
        if (msgs.length < batch) {
            msgs = new int[batch];
            decisions = new int[batch];
        }
        long errors = 0;
        long sent = 0;
        long round = 0;
        while ((errors < minErrors || sent < minMessages) && sent < maxMessages) {
            int b = (int) Math.min(batch, maxMessages - sent);
            source.position(round, 7);
            source.next(msgs, b);
            rng.reseed(seed, round, 8);
            x.reshape(b, w);
            for (int i = 0; i < b; i++) {
                System.arraycopy(codebook.data, msgs[i] * w, x.data, i * w, w);
            }
            channel.apply(x, y, rng);
            errors += rx == null
                    ? Codebooks.minDistance(codebook, y, msgs, decisions)
                    : SoftmaxCrossEntropy.argmax(rx.forward(y), msgs, decisions);
            sent += b;
            round++;
        }
        return BlerPoint.of(snrDb, errors, sent);
    }
}
