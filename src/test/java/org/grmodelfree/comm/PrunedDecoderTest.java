package org.grmodelfree.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Dense;
import org.grmodelfree.nn.SoftmaxCrossEntropy;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pruned decoder decides exactly as the full network: the same decision as the argmax of
 * {@code receiver.forward(y)} for every input, ties included, whatever the basis and its rank.
 * Random receivers on random inputs, and briefly trained links (both channels) on their own noisy
 * channel outputs, where the pruning has structure to exploit.
 */
class PrunedDecoderTest {

    private final Random rand = new Random(345);

    private static Trainer awgn;
    private static Trainer rbf;

    /** The default AWGN and RBF systems (M = 256, N = 4, hidden 256), 200 supervised iterations each. */
    @BeforeAll
    static void train() {
        awgn = trained(ChannelKind.AWGN);
        rbf = trained(ChannelKind.RBF);
    }

    private static Trainer trained(ChannelKind kind) {
        Trainer t = Trainer.create(TrainConfig.paper(kind, Method.SUPERVISED, 200, 7));
        while (t.iteration() < t.config().iterations()) {
            t.iterate();
        }
        return t;
    }

    private static int[] reference(Receiver rx, FMatrixRMaj y) {
        int[] d = new int[y.numRows];
        SoftmaxCrossEntropy.argmax(rx.forward(y), null, d);
        return d;
    }

    private static void assertSameDecisions(Receiver rx, PrunedDecoder decoder, FMatrixRMaj y) {
        int[] expected = reference(rx, y);
        int[] got = new int[y.numRows];
        decoder.decide(y, null, got);
        for (int i = 0; i < y.numRows; i++) {
            if (expected[i] != got[i]) {
                fail("row " + i + " " + Arrays.toString(Arrays.copyOfRange(y.data, i * y.numCols, (i + 1) * y.numCols))
                        + ": the network decides " + expected[i] + ", the pruned decoder " + got[i]
                        + " (rank " + decoder.rank() + ")");
            }
        }
    }

    private FMatrixRMaj gaussian(int rows, int cols, double scale) {
        FMatrixRMaj y = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < y.data.length; i++) {
            y.data[i] = (float) (scale * rand.nextGaussian());
        }
        return y;
    }

    /** Uniform messages through the link's channel at an SNR. */
    private static FMatrixRMaj received(Trainer t, double snrDb, int rows, long seed) {
        FMatrixRMaj cb = t.transmitter().codebook();
        Rng rng = new Rng(seed);
        FMatrixRMaj x = new FMatrixRMaj(rows, cb.numCols);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(cb.data, rng.nextInt(cb.numRows) * cb.numCols, x.data, i * cb.numCols, cb.numCols);
        }
        FMatrixRMaj y = new FMatrixRMaj(1, 1);
        t.config().channel().at(snrDb).apply(x, y, rng);
        return y;
    }

    static Stream<Arguments> randomReceivers() {
        return Stream.of(ChannelKind.values()).flatMap(k -> Stream.of(1, 3, 8, 12, 33, 64)
                .flatMap(r -> Stream.of(Arguments.of(k, r, false), Arguments.of(k, r, true))));
    }

    @ParameterizedTest(name = "{0}, random weights, rank {1}, calibrated basis {2}")
    @MethodSource("randomReceivers")
    void randomReceiversOnRandomInputs(ChannelKind kind, int rank, boolean calibrated) {
        Receiver rx = Receiver.create(kind, 32, 3, 64, new Rng(rank));
        FMatrixRMaj calibration = calibrated ? gaussian(500, 6, 1) : null;
        PrunedDecoder d = new PrunedDecoder(rx, rank, calibration);
        for (double scale : new double[] {0.01, 1, 30}) {
            assertSameDecisions(rx, d, gaussian(517, 6, scale));
        }
    }

    static Stream<Arguments> oddSizes() {
        return Stream.of(ChannelKind.values())
                .flatMap(kind -> IntStream.of(1, 5, 27).mapToObj(rank -> Arguments.of(kind, rank)));
    }

    /** M = 21 and hidden 27: the decoder's tails (messages past its groups, hidden past whole vectors). */
    @ParameterizedTest(name = "{0}, M 21, hidden 27, rank {1}")
    @MethodSource("oddSizes")
    void sizesThatAreNotWholeVectors(ChannelKind kind, int rank) {
        Receiver rx = Receiver.create(kind, 21, 3, 27, new Rng(40 + rank));
        PrunedDecoder d = new PrunedDecoder(rx, rank, gaussian(300, 6, 1));
        for (double scale : new double[] {0.01, 1, 30}) {
            assertSameDecisions(rx, d, gaussian(517, 6, scale));
        }
    }

    @ParameterizedTest(name = "{0}: full rank")
    @EnumSource(ChannelKind.class)
    void fullRankBasis(ChannelKind kind) {
        Receiver rx = Receiver.create(kind, 16, 2, 24, new Rng(3));
        PrunedDecoder d = new PrunedDecoder(rx, 24, gaussian(100, 4, 1));
        assertSameDecisions(rx, d, gaussian(1000, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new PrunedDecoder(rx, 25, null));
        assertThrows(IllegalArgumentException.class, () -> new PrunedDecoder(rx, 0, null));
    }

    @ParameterizedTest(name = "{0}: trained link, its own channel outputs")
    @EnumSource(ChannelKind.class)
    void trainedLinksOnNoisyChannelOutputs(ChannelKind kind) {
        Trainer t = kind == ChannelKind.AWGN ? awgn : rbf;
        Receiver rx = t.receiver();
        PrunedDecoder auto = PrunedDecoder.forLink(rx, t.transmitter().codebook(),
                kind.at(t.config().snrDb()), 11);
        double snr = t.config().snrDb();
        for (double s : new double[] {snr, snr - 10, snr + 10}) {
            assertSameDecisions(rx, auto, received(t, s, 20_000, 5 + (long) s));
        }
        for (int rank : new int[] {4, 12, 48}) {
            PrunedDecoder d = new PrunedDecoder(rx, rank, received(t, snr, 2048, 99));
            assertSameDecisions(rx, d, received(t, snr, 5_000, 21));
        }
        if (kind == ChannelKind.AWGN) {
            // the point of it: at the training SNR only a few of the 256 logits are evaluated
            PrunedDecoder d = PrunedDecoder.forLink(rx, t.transmitter().codebook(), kind.at(snr), 11);
            d.decide(received(t, snr, 10_000, 8), null, new int[10_000]);
            double perMessage = (double) d.logitsEvaluated() / d.messagesDecided();
            assertTrue(d.rank() > 0 && perMessage < 8, "rank " + d.rank() + ", " + perMessage + " logits per message");
        }
    }

    @Test
    void errorsAreCountedAgainstLabels() {
        Receiver rx = awgn.receiver();
        FMatrixRMaj y = received(awgn, 0, 2000, 3);
        int[] labels = reference(rx, y);
        labels[5] = (labels[5] + 1) % 256;
        labels[1999] = (labels[1999] + 1) % 256;
        PrunedDecoder d = new PrunedDecoder(rx, 8, null);
        assertEquals(2, d.decide(y, labels, new int[2000]));
        assertEquals(2000, d.messagesDecided());
    }

    @Test
    void exactTiesGoToTheLowestIndexAsInTheNetwork() {
        Receiver rx = Receiver.create(ChannelKind.AWGN, 32, 3, 64, new Rng(9));
        Dense out = rx.output();
        float[] w = out.weight().value().data;
        float[] b = out.bias().value().data;
        // message 20 becomes a copy of message 5, so their logits tie exactly whenever either wins
        for (int p = 0; p < 64; p++) {
            w[p * 32 + 20] = w[p * 32 + 5];
        }
        b[20] = b[5];
        FMatrixRMaj y = gaussian(3000, 6, 2);
        int[] expected = reference(rx, y);
        assertTrue(Arrays.stream(expected).anyMatch(m -> m == 5), "message 5 never wins: no tie tested");
        assertTrue(Arrays.stream(expected).noneMatch(m -> m == 20));
        assertSameDecisions(rx, new PrunedDecoder(rx, 8, y), y);
        // every logit equal: the network (and the decoder) decide 0
        Arrays.fill(w, 0f);
        Arrays.fill(b, 0.5f);
        PrunedDecoder flat = new PrunedDecoder(rx, 4, null);
        int[] d = new int[3000];
        flat.decide(y, null, d);
        assertTrue(Arrays.stream(d).allMatch(m -> m == 0));
        assertSameDecisions(rx, flat, y);
    }

    @Test
    void nonFiniteAndHugeInputsAreDecidedAsTheNetworkDecidesThem() {
        Receiver rx = awgn.receiver();
        FMatrixRMaj y = received(awgn, 10, 64, 4);
        float[] odd = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e30f, -1e30f, 3e38f, 1e-40f};
        for (int i = 0; i < odd.length; i++) {
            y.data[i * 8 + i % 8] = odd[i];
        }
        for (int j = 0; j < 8; j++) {
            y.data[60 * 8 + j] = 1e25f;
        }
        PrunedDecoder d = PrunedDecoder.forLink(rx, awgn.transmitter().codebook(), ChannelKind.AWGN.at(10), 1);
        assertSameDecisions(rx, d, y);
        assertTrue(d.referenceFallbacks() >= 3, d.referenceFallbacks() + " fallbacks");
    }

    @Test
    void anyBatchSizeAndSplit() {
        Receiver rx = awgn.receiver();
        PrunedDecoder d = new PrunedDecoder(rx, 12, received(awgn, 10, 1024, 2));
        for (int rows : new int[] {1, 2, 3, 63, 64, 65, 128, 129, 1001}) {
            assertSameDecisions(rx, d, received(awgn, 8, rows, rows));
        }
    }

    @Test
    void allocatesNothingOnceItHasSeenTheBatchSize() {
        Receiver rx = awgn.receiver();
        PrunedDecoder d = new PrunedDecoder(rx, 12, received(awgn, 10, 1024, 2));
        FMatrixRMaj y = received(awgn, 10, 1000, 6);
        int[] out = new int[1000];
        for (int i = 0; i < 200; i++) { // past JIT compilation
            d.decide(y, null, out);
        }
        long before = allocatedBytes();
        for (int i = 0; i < 50; i++) {
            d.decide(y, null, out);
        }
        long allocated = allocatedBytes() - before;
        // (the meter itself allocates its arrays of thread ids and counts, about a kilobyte)
        assertTrue(allocated < 16 * 1024, "50 batches of 1000 allocated " + allocated + " bytes");
    }

    @Test
    void splittingBatchesOverThreadsChangesNoDecision() {
        Receiver rx = awgn.receiver();
        PrunedDecoder one = new PrunedDecoder(rx, 10, received(awgn, 10, 1024, 2));
        PrunedDecoder two = new PrunedDecoder(rx, 10, received(awgn, 10, 1024, 2)).threads(2);
        assertEquals(Math.min(2, org.grmodelfree.nn.Parallel.threads()), two.threads());
        long rows = 0;
        for (int n : new int[] {1, 7, 8, 9, 17, 63, 64, 65, 1000, 4099}) {
            FMatrixRMaj y = received(awgn, n % 2 == 0 ? 10 : 2, n, 40 + n);
            int[] a = new int[n];
            int[] b = new int[n];
            int[] labels = reference(rx, y);
            labels[n / 2] = (labels[n / 2] + 1) % 256;
            assertEquals(1, one.decide(y, labels, a));
            assertEquals(1, two.decide(y, labels, b));
            assertTrue(Arrays.equals(a, b), n + " rows: the split changed a decision");
            assertSameDecisions(rx, two, y);
            rows += 2L * n;
        }
        // every message is counted once, whichever thread decided it
        assertEquals(rows, two.messagesDecided());
        assertEquals(one.logitsEvaluated() * 2, two.logitsEvaluated());
        assertEquals(one.referenceFallbacks() * 2, two.referenceFallbacks());
        Receiver random = Receiver.create(ChannelKind.RBF, 32, 3, 64, new Rng(12));
        assertSameDecisions(random, new PrunedDecoder(random, 8, gaussian(300, 6, 1)).threads(64),
                gaussian(2001, 6, 3));
    }

    @Test
    void badThreadCountsAndShortOutputsAreRefused() {
        PrunedDecoder d = new PrunedDecoder(awgn.receiver(), 8, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.threads(0));
        assertTrue(e.getMessage().contains("0 threads"), e.getMessage());
        FMatrixRMaj y = received(awgn, 10, 10, 1);
        e = assertThrows(IllegalArgumentException.class, () -> d.decide(y, null, new int[9]));
        assertTrue(e.getMessage().contains("10 rows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.decide(y, new int[3], new int[10]));
        assertEquals(0, d.messagesDecided());
    }

    @Test
    void allocatesNothingWhenSplitOverThreads() {
        Receiver rx = awgn.receiver();
        PrunedDecoder d = new PrunedDecoder(rx, 10, received(awgn, 10, 1024, 2)).threads(2);
        FMatrixRMaj y = received(awgn, 10, 1000, 6);
        int[] out = new int[1000];
        for (int i = 0; i < 200; i++) { // past JIT compilation
            d.decide(y, null, out);
        }
        long least = Long.MAX_VALUE;
        for (int run = 0; run < 10 && least >= 16 * 1024; run++) {
            long before = allocatedBytes();
            for (int i = 0; i < 50; i++) {
                d.decide(y, null, out);
            }
            least = Math.min(least, allocatedBytes() - before);
        }
        // (the meter itself allocates its arrays of thread ids and counts, about a kilobyte)
        assertTrue(least < 16 * 1024, "50 batches of 1000 on two threads allocated " + least + " bytes");
    }

    /** Bytes allocated so far by all live threads (the decoder also runs on the parallel workers). */
    private static long allocatedBytes() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            total += Math.max(0, b);
        }
        return total;
    }
}
