package org.grmodelfree.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.FrameSync;
import org.grmodelfree.comm.FrameWriter;
import org.grmodelfree.wire.Complex64Codec;
import org.grmodelfree.wire.WireFormatException;
import org.junit.jupiter.api.Test;

/**
 * The receiver's decoding of its sample stream under 100 000 corrupted messages: each message is
 * decoded as the stream input does ({@link Complex64Codec#decodeFinite}, refusing bad lengths and
 * non-finite samples) and its samples go into one {@link FrameSync}, as the receiver kernel does,
 * which hands out the link frames (batch id with its CRC-16, payload, end marker) it finds. The
 * messages are link frames with bits flipped, bytes replaced, inserted or deleted, cut short,
 * spliced, or random bytes. After every 100th, a clean frame with a batch id no corrupted message
 * carries follows a stretch of silence, and the same FrameSync must hand it out with its exact
 * payload: garbage never leaves the frame search stuck or lost.
 */
class FrameSyncFuzzTest {

    private static final long SEED = 17_0005L;
    private static final FrameFormat F = FrameFormat.of(16);
    private static final long SENTINEL_IDS = 0xC0FF_EE00L;

    private final FrameWriter writer = new FrameWriter(F);
    private final FrameSync sync = new FrameSync(F);
    private final float[] samples = new float[2 * ((1 << 20) / Complex64Codec.BYTES_PER_ITEM)];
    private final float[] payload = new float[2 * F.payloadSymbols()];
    private final Random rand = new Random(SEED);
    private int messages;
    private long sentinelsFound;

    private byte[] encodedFrame(long id, float[] pay) {
        float[] out = new float[2 * F.frameLength()];
        writer.write(id, pay, 0, out, 0);
        byte[] b = new byte[8 * F.frameLength()];
        Complex64Codec.encode(out, 0, F.frameLength(), b, 0);
        return b;
    }

    private float[] randomPayload() {
        float[] p = new float[2 * F.payloadSymbols()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) rand.nextGaussian();
        }
        return p;
    }

    /** Decodes one message into the sync; returns the batch ids it handed out. */
    private List<Long> receive(byte[] message) {
        int items = Complex64Codec.decodeFinite(message, 0, message.length, samples, 0);
        sync.push(samples, 0, items);
        List<Long> ids = new ArrayList<>();
        while (sync.next(payload)) {
            ids.add(sync.batchId());
        }
        return ids;
    }

    /** Every 100th message: silence, then a clean frame, which must come out whole. */
    private void checkStillDecoding() {
        if (++messages % 100 != 0) {
            return;
        }
        long id = SENTINEL_IDS + messages;
        float[] pay = randomPayload();
        byte[] silence = new byte[8 * F.frameLength()];
        receive(silence);
        List<Long> ids = receive(encodedFrame(id, pay));
        ids.addAll(receive(silence));
        if (!ids.contains(id)) {
            fail("after message " + messages + " the clean frame " + id + " was not found; handed out " + ids);
        }
        // the sentinel is the last frame handed out: nothing follows it but silence
        assertArrayEquals(pay, payload, "frame " + id + " payload");
        sentinelsFound++;
    }

    @Test
    void corruptedFramesNeverStopTheReceiverFindingTheNextCleanOne() {
        List<byte[]> valid = new ArrayList<>();
        for (long id = 0; id < 8; id++) {
            valid.add(encodedFrame(id, randomPayload()));
        }
        byte[] two = encodedFrame(9, randomPayload());
        byte[] both = Arrays.copyOf(two, 2 * two.length);
        System.arraycopy(encodedFrame(10, randomPayload()), 0, both, two.length, two.length);
        valid.add(both);
        List<byte[]> hostile = List.of(new byte[8 * 100_000], Fuzz.concat(valid.get(0),
                new byte[7]));
        // the fixed inputs (every truncation of every frame) are many; keep them and the random ones in step
        Fuzz.Stats s = Fuzz.run("link frames (complex64 + FrameSync)", SEED, Fuzz.INPUTS, valid, hostile,
                (byte[] b) -> {
                    try {
                        return receive(b);
                    } finally {
                        checkStillDecoding();
                    }
                },
                WireFormatException.class, (input, ids) -> {
                    for (long id : ids) {
                        assertTrue(id >= 0 && id <= 0xFFFF_FFFFL, "batch id " + id);
                    }
                });
        assertTrue(sentinelsFound == Fuzz.INPUTS / 100, sentinelsFound + " clean frames found");
        assertTrue(s.accepted() > 1000 && s.rejected() > 1000, s.line());
        System.out.println("FrameSync: " + sync.framesDecoded() + " frames handed out, " + sync.headerErrors()
                + " header errors, " + sync.partialFrames() + " partial frames");
    }
}
