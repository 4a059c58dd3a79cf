package org.grmodelfree.block;

import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.MessageSource;
import org.grmodelfree.comm.MinDistanceDecoder;
import org.grmodelfree.comm.PrunedDecoder;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.train.Trainer;

/**
 * The receiver's stream mode: decides every message of every frame with a trained model (the
 * neural receiver or minimum distance over its codebook), counts block errors against the seeded
 * messages (reference seeded), and with output stream writes the decisions on 'msg_out'.
 */
final class ReceiverStreaming extends ReceiverKernel {
    private final Receiver receiver;
    private final long frameLimit;
    private final MessageSource source;
    private final int[] msgs;
    private final int[] decisions;
    private final FMatrixRMaj y = new FMatrixRMaj(1, 1);
    /** The decoder: one of minDistance and neural, chosen by the decoder parameter. */
    private final Decide decide;
    /** Adds the decoder's own counters to the stats (the neural decoder's logits per message). */
    private final Consumer<Map<String, Object>> decoderStats;
    /** Decisions go out on 'msg_out'. */
    private final boolean outputStream;
    /** Block errors are counted against the seeded messages. */
    private final boolean seededReference;
    private final byte[] decidedBytes;
    private long messagesOut;
    private long messagesDecided;
    private long blockErrors;

    /** A decoder's decisions on y; returns the block errors against labels (none when labels is null). */
    private interface Decide {
        long decide(FMatrixRMaj y, int[] labels, int[] decisions);
    }

    ReceiverStreaming(ReceiverBlock.Settings s) {
        super(s.config());
        this.frameLimit = s.frames();
        this.msgs = new int[BatchFraming.frameMessages(c)];
        this.decisions = new int[BatchFraming.frameMessages(c)];
        this.source = new MessageSource(c.messages(), c.seed());
        this.outputStream = s.output() == ReceiverBlock.Output.STREAM;
        this.seededReference = s.reference() == ReceiverBlock.Reference.SEEDED;
        this.decidedBytes = new byte[outputStream ? BatchFraming.frameMessages(c) : 0];
        Trainer model = TransmitterBlock.loadModel(s.model(), c);
        this.receiver = model.receiver();
        boolean md = s.decoder() == ReceiverBlock.Decoder.MIN_DISTANCE;
        if (md && model.config().channel() != ChannelKind.AWGN) {
            throw new IllegalArgumentException("receiver: the min-distance decoder is for AWGN models; this model"
                    + " is for " + model.config().channel().id());
        }
        if (md) {
            MinDistanceDecoder minDistance = new MinDistanceDecoder(model.transmitter().codebook());
            this.decide = minDistance::decide;
            this.decoderStats = m -> { };
        } else {
            PrunedDecoder pruned = PrunedDecoder.forLink(model.receiver(), model.transmitter().codebook(),
                    model.config().channel().at(model.config().snrDb()), c.seed()).threads(s.decoderThreads());
            this.decide = pruned::decide;
            this.decoderStats = m -> m.put("logits_per_message", pruned.messagesDecided() == 0 ? Double.NaN
                    : (double) pruned.logitsEvaluated() / pruned.messagesDecided());
        }
    }

    @Override
    Receiver receiver() {
        return receiver;
    }

    @Override
    long nextBatch() {
        return 0;
    }

    @Override
    void onFrame(BlockIo io, long id, long now) {
        if (frameLimit > 0 && id >= frameLimit) {
            done = true;
            return;
        }
        int b = BatchFraming.frameMessages(c);
        int[] labels = null;
        if (seededReference) {
            BatchFraming.streamMessages(source, id);
            source.next(msgs, b);
            labels = msgs;
        }
        y.reshape(b, 2 * c.symbols());
        System.arraycopy(payload, 0, y.data, 0, y.getNumElements());
        blockErrors += decide.decide(y, labels, decisions);
        messagesDecided += b;
        if (outputStream) {
            for (int i = 0; i < b; i++) {
                decidedBytes[i] = (byte) decisions[i];
            }
            io.writeBytes(ReceiverBlock.MSG_OUT, decidedBytes, 0, b);
            messagesOut += b;
        }
        if (frameLimit > 0 && id == frameLimit - 1) {
            done = true; // the last frame: the end marker after it may be held back by the channel
        }
    }

    @Override
    String summary() {
        if (!seededReference) {
            return String.format(Locale.ROOT, "done: %d frames, %d messages (no error reference)", framesDecoded(),
                    messagesDecided);
        }
        return String.format(Locale.ROOT, "done: %d frames, %d messages, %d block errors (BLER %.3e)",
                framesDecoded(), messagesDecided, blockErrors,
                messagesDecided == 0 ? Double.NaN : (double) blockErrors / messagesDecided);
    }

    /** With reference none the user's source sets the pace: waiting for samples is no lost peer. */
    @Override
    boolean idleMeansPeerLost() {
        return seededReference;
    }

    @Override
    String waitingFor() {
        return "samples on 'in'";
    }

    @Override
    void modeStats(Map<String, Object> m) {
        m.put("messages", messagesDecided);
        if (seededReference) {
            m.put("block_errors", blockErrors);
        }
        if (outputStream) {
            m.put("messages_out", messagesOut);
        }
        decoderStats.accept(m);
    }
}
