package org.grmodelfree.block;

import java.util.Locale;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.MessageSource;
import org.grmodelfree.comm.Transmitter;

/**
 * The transmitter's stream mode: encodes the seeded messages of streaming batches with a trained
 * model or, with source stream, the message indices read on 'msg_in', whole frames only.
 */
final class TransmitterStreaming extends TransmitterKernel {
    private final Transmitter tx;
    private final MessageSource source;
    private final int[] msgs;
    private final FMatrixRMaj x = new FMatrixRMaj(1, 1);
    private final long frameLimit;
    /** Source stream: messages come from 'msg_in'. */
    private final boolean userMessages;
    /** The bytes of the next frame's messages read so far: msgBytes[0, have) (empty with source seeded). */
    private final byte[] msgBytes;
    private int have;
    private long messagesIn;
    private boolean portsChecked;

    TransmitterStreaming(TransmitterBlock.Settings s) {
        super(s.config());
        this.frameLimit = s.frames();
        this.userMessages = s.source() == TransmitterBlock.Source.STREAM;
        this.msgBytes = new byte[userMessages ? BatchFraming.frameMessages(c) : 0];
        this.tx = TransmitterBlock.loadModel(s.model(), c).transmitter();
        this.source = new MessageSource(c.messages(), c.seed());
        this.msgs = new int[BatchFraming.frameMessages(c)];
    }

    @Override
    Transmitter transmitter() {
        return tx;
    }

    @Override
    Block.Status work(BlockIo io) {
        if (frameLimit > 0 && nextBatch >= frameLimit) {
            emitEnd(io, nextBatch);
            return Block.Status.DONE;
        }
        if (!portsChecked) {
            portsChecked = true;
            if (io.connected(TransmitterBlock.MSG_IN) != userMessages) {
                throw new IllegalArgumentException(userMessages
                        ? "transmitter: --source stream reads its messages on 'msg_in', which is not connected"
                        : "transmitter: 'msg_in' is connected but --source is seeded: give --source stream to send"
                                + " its messages");
            }
        }
        int b = BatchFraming.frameMessages(c);
        if (userMessages) {
            int n = io.readBytes(TransmitterBlock.MSG_IN, msgBytes, have, b - have);
            for (int i = have; i < have + n; i++) {
                int v = msgBytes[i] & 0xFF;
                if (v >= c.messages()) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "transmitter: byte %d of 'msg_in'"
                            + " (counting from 0) is %d, not a message index below M = %d", messagesIn + i - have,
                            v, c.messages()));
                }
                msgs[i] = v;
            }
            have += n;
            messagesIn += n;
            if (have < b) {
                return n > 0 ? Block.Status.WORKED : Block.Status.IDLE;
            }
            have = 0;
        } else {
            BatchFraming.streamMessages(source, nextBatch);
            source.next(msgs, b);
        }
        tx.encode(msgs, b, x);
        emit(io, nextBatch, x.data);
        nextBatch++;
        return Block.Status.WORKED;
    }

    /** With source stream, the messages come at the pace of the user's source: waiting for them is no lost peer. */
    @Override
    boolean idleMeansPeerLost() {
        return !userMessages;
    }

    @Override
    void stop(BlockIo io) {
        if (userMessages && have > 0) {
            io.log(String.format(Locale.ROOT, "%d messages read on 'msg_in' were not sent: a frame carries %d"
                    + " messages and only whole frames go out", have, BatchFraming.frameMessages(c)));
        }
    }

    @Override
    String waitingFor() {
        if (userMessages) {
            return String.format(Locale.ROOT, "messages on 'msg_in' (%d of the %d of the next frame so far)", have,
                    BatchFraming.frameMessages(c));
        }
        return "room on 'out'";
    }

    @Override
    long wakeAt() {
        return Long.MAX_VALUE;
    }

    @Override
    void stats(Map<String, Object> m) {
        if (userMessages) {
            m.put("messages_in", messagesIn);
            m.put("messages_pending", have);
        }
    }
}
