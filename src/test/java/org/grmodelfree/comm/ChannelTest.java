package org.grmodelfree.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The built-in channels, the policy sampler's energy, and the seeded random streams. */
class ChannelTest {

    private static final int ROWS = 20_000;
    private static final int N = 4;

    @ParameterizedTest(name = "AWGN at {0} dB")
    @ValueSource(doubles = {-3, 0, 6, 10, 20})
    void awgnNoiseVariancePerComplexSymbolIsTenToMinusSnrOverTen(double snrDb) {
        double sigma2 = Math.pow(10, -snrDb / 10);
        assertEquals(sigma2, Channel.noiseVariance(snrDb), 1e-15 * sigma2);
        FMatrixRMaj x = qpskRows(ROWS);
        FMatrixRMaj y = new FMatrixRMaj(1, 1);
        AwgnChannel ch = new AwgnChannel(snrDb);
        assertEquals(ChannelKind.AWGN, ch.kind());
        assertEquals(snrDb, ch.snrDb());
        ch.apply(x, y, new Rng(31));
        assertEquals(ROWS, y.numRows);
        assertEquals(2 * N, y.numCols);
        int symbols = ROWS * N;
        double power = 0;
        double re2 = 0;
        double reIm = 0;
        double mean = 0;
        for (int k = 0; k < symbols; k++) {
            double nr = y.data[2 * k] - x.data[2 * k];
            double ni = y.data[2 * k + 1] - x.data[2 * k + 1];
            power += nr * nr + ni * ni;
            re2 += nr * nr;
            reIm += nr * ni;
            mean += nr + ni;
        }
        // |n|^2 is sigma^2 / 2 times chi-square with 2 degrees of freedom: standard deviation sigma^2
        double tol = 4 * sigma2 / Math.sqrt(symbols);
        assertEquals(sigma2, power / symbols, tol, "E|n|^2");
        assertEquals(sigma2 / 2, re2 / symbols, tol, "E[re(n)^2]");
        assertEquals(0, reIm / symbols, tol, "E[re(n) im(n)]");
        assertEquals(0, mean / (2 * symbols), 4 * Math.sqrt(sigma2 / 2 / (2 * symbols)), "E[n]");
    }

    @Test
    void awgnIsReproducibleFromTheGenerator() {
        FMatrixRMaj x = qpskRows(100);
        FMatrixRMaj y1 = new FMatrixRMaj(1, 1);
        FMatrixRMaj y2 = new FMatrixRMaj(1, 1);
        AwgnChannel ch = new AwgnChannel(3);
        ch.apply(x, y1, new Rng(5));
        ch.apply(x, y2, new Rng(5));
        assertArrayEquals(y1.data, y2.data);
        ch.apply(x, y2, new Rng(6));
        assertFalse(java.util.Arrays.equals(y1.data, y2.data));
    }

    @Test
    void rayleighGainHasUnitMeanEnergyAndIsCircular() {
        RayleighBlockFadingChannel ch = new RayleighBlockFadingChannel(20);
        assertEquals(ChannelKind.RBF, ch.kind());
        int rows = 50_000;
        FMatrixRMaj x = qpskRows(rows);
        ch.apply(x, new FMatrixRMaj(1, 1), new Rng(32));
        float[] h = ch.gains();
        double e = 0;
        double mr = 0;
        double h2re = 0;
        for (int r = 0; r < rows; r++) {
            double hr = h[2 * r];
            double hi = h[2 * r + 1];
            e += hr * hr + hi * hi;
            mr += hr;
            h2re += hr * hr - hi * hi;
        }
        // |h|^2 ~ Exp(1): standard deviation 1
        assertEquals(1, e / rows, 4 / Math.sqrt(rows), "E|h|^2");
        assertEquals(0, mr / rows, 4 * Math.sqrt(0.5 / rows), "E[re h]");
        assertEquals(0, h2re / rows, 4 / Math.sqrt(rows), "E[re(h^2)]");
    }

    @Test
    void rayleighGainIsConstantAcrossTheSymbolsOfARowAndNewPerRow() {
        // x = 1 on every symbol and (practically) no noise: each received symbol is that row's h
        RayleighBlockFadingChannel ch = new RayleighBlockFadingChannel(300);
        int rows = 50;
        FMatrixRMaj x = new FMatrixRMaj(rows, 2 * N);
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < N; k++) {
                x.set(r, 2 * k, 1f);
            }
        }
        FMatrixRMaj y = new FMatrixRMaj(1, 1);
        ch.apply(x, y, new Rng(33));
        float[] h = ch.gains();
        Set<Float> distinct = new HashSet<>();
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < N; k++) {
                assertEquals(h[2 * r], y.get(r, 2 * k), 1e-6, "row " + r + " symbol " + k);
                assertEquals(h[2 * r + 1], y.get(r, 2 * k + 1), 1e-6, "row " + r + " symbol " + k);
            }
            distinct.add(h[2 * r]);
        }
        assertEquals(rows, distinct.size(), "a fresh gain per row");
    }

    @Test
    void rayleighNoiseHasTheConfiguredVariance() {
        double snrDb = 5;
        RayleighBlockFadingChannel ch = new RayleighBlockFadingChannel(snrDb);
        FMatrixRMaj x = new FMatrixRMaj(ROWS, 2 * N); // zeros: y is the noise alone
        FMatrixRMaj y = new FMatrixRMaj(1, 1);
        ch.apply(x, y, new Rng(34));
        double sigma2 = Channel.noiseVariance(snrDb);
        double power = 0;
        for (float v : y.data) {
            power += v * v;
        }
        int symbols = ROWS * N;
        assertEquals(sigma2, power / symbols, 4 * sigma2 / Math.sqrt(symbols));
    }

    @Test
    void rayleighBackwardNeedsTheShapeOfTheLastApply() {
        RayleighBlockFadingChannel ch = new RayleighBlockFadingChannel(10);
        ch.apply(qpskRows(5), new FMatrixRMaj(1, 1), new Rng(1));
        assertThrows(IllegalStateException.class,
                () -> ch.backward(new FMatrixRMaj(4, 2 * N), new FMatrixRMaj(1, 1)));
    }

    @Test
    void channelsRejectSnrThatIsNotANumber() {
        assertThrows(IllegalArgumentException.class, () -> new AwgnChannel(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new RayleighBlockFadingChannel(Double.POSITIVE_INFINITY));
        assertEquals(ChannelKind.RBF, ChannelKind.parse("RBF"));
        assertEquals(ChannelKind.AWGN, ChannelKind.parse("awgn"));
        assertThrows(IllegalArgumentException.class, () -> ChannelKind.parse("rayleigh"));
        assertEquals(12.5, ChannelKind.RBF.at(12.5).snrDb());
        assertSame(ChannelKind.AWGN, ChannelKind.AWGN.at(0).kind());
    }

    @ParameterizedTest(name = "s^2 = {0}")
    @ValueSource(doubles = {0.02, 0.15, 0.5})
    void policySamplerKeepsUnitEnergyForUnitEnergyInput(double s2) {
        FMatrixRMaj x = qpskRows(ROWS); // exactly one per complex symbol
        FMatrixRMaj xp = new FMatrixRMaj(1, 1);
        new PolicySampler(s2).perturb(x, xp, new Rng(35));
        double e = 0;
        for (float v : xp.data) {
            e += v * v;
        }
        int symbols = ROWS * N;
        // |xp|^2 = (1 - s^2) + 2 a Re(conj(x) w) + |w|^2: standard deviation below 2 sqrt(s^2)
        assertEquals(1, e / symbols, 4 * 2 * Math.sqrt(s2) / Math.sqrt(symbols), "E|x_p|^2");
    }

    @Test
    void rngIsReproducibleAndReseedRestarts() {
        Rng a = new Rng(42);
        Rng b = new Rng(42);
        long[] first = new long[100];
        for (int i = 0; i < 100; i++) {
            first[i] = a.nextLong();
            assertEquals(first[i], b.nextLong());
        }
        a.reseed(42);
        for (int i = 0; i < 100; i++) {
            assertEquals(first[i], a.nextLong());
        }
        assertFalse(new Rng(43).nextLong() == first[0]);
        // Gaussian draws too
        Rng g1 = new Rng(7);
        Rng g2 = new Rng(7);
        for (int i = 0; i < 1000; i++) {
            assertEquals(g1.nextGaussian(), g2.nextGaussian());
        }
    }

    @Test
    void reseedWithIterationAndStreamGivesDistinctReproducibleStreams() {
        long seed = 2024;
        Set<Long> seen = new HashSet<>();
        int streams = 0;
        for (long it = 0; it < 20; it++) {
            for (long stream : new long[] {0, 1, 2, 1 << 20, (1 << 20) + 1}) {
                Rng r = new Rng(0);
                r.reseed(seed, it, stream);
                long[] draws = new long[50];
                for (int i = 0; i < 50; i++) {
                    draws[i] = r.nextLong();
                    assertTrue(seen.add(draws[i]), "stream (" + it + ", " + stream + ") repeats another's value");
                }
                Rng again = new Rng(99);
                again.nextLong();
                again.reseed(seed, it, stream);
                for (int i = 0; i < 50; i++) {
                    assertEquals(draws[i], again.nextLong());
                }
                streams++;
            }
        }
        assertEquals(100, streams);
        // another seed gives other streams
        Rng other = new Rng(0);
        other.reseed(seed + 1, 0, 0);
        assertFalse(seen.contains(other.nextLong()));
    }

    @Test
    void rngDrawsAreUniformAndGaussian() {
        Rng r = new Rng(8);
        int[] counts = new int[10];
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            counts[r.nextInt(10)]++;
        }
        double chi2 = 0;
        for (int c : counts) {
            chi2 += (c - n / 10.0) * (c - n / 10.0) / (n / 10.0);
        }
        assertTrue(chi2 < 27.9, "chi-square with 9 degrees of freedom: " + chi2); // p = 0.001
        double m = 0;
        double v = 0;
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            m += g;
            v += g * g;
        }
        assertEquals(0, m / n, 4 / Math.sqrt(n));
        assertEquals(1, v / n, 4 * Math.sqrt(2.0 / n));
    }

    @Test
    void messageSourcesWithTheSameSeedDrawTheSameMessages() {
        MessageSource tx = new MessageSource(16, 77);
        MessageSource rx = new MessageSource(16, 77);
        int[] a = new int[500];
        int[] b = new int[500];
        for (long it = 0; it < 5; it++) {
            tx.position(it, 3);
            rx.position(it, 3);
            tx.next(a, 500);
            rx.next(b, 500);
            assertArrayEquals(a, b);
            for (int m : a) {
                assertTrue(m >= 0 && m < 16, "message " + m);
            }
        }
        // positioning again replays the batch; other batches and other seeds differ
        int[] first = new int[500];
        int[] c = new int[500];
        tx.position(2, 3);
        tx.next(first, 500);
        tx.position(2, 3);
        tx.next(c, 500);
        assertArrayEquals(first, c);
        tx.position(2, 4);
        tx.next(c, 500);
        assertFalse(java.util.Arrays.equals(first, c));
        tx.position(3, 3);
        tx.next(c, 500);
        assertFalse(java.util.Arrays.equals(first, c));
        MessageSource other = new MessageSource(16, 78);
        other.position(2, 3);
        other.next(c, 500);
        assertFalse(java.util.Arrays.equals(first, c));
        // only count entries are written
        int[] d = new int[10];
        java.util.Arrays.fill(d, -1);
        tx.position(0, 0);
        tx.next(d, 4);
        assertEquals(-1, d[4]);
        assertTrue(d[3] >= 0);
    }

    @Test
    void messagesAreUniform() {
        MessageSource src = new MessageSource(8, 5);
        src.position(0, 0);
        int n = 80_000;
        int[] msgs = new int[n];
        src.next(msgs, n);
        int[] counts = new int[8];
        for (int m : msgs) {
            counts[m]++;
        }
        double chi2 = 0;
        for (int c : counts) {
            chi2 += (c - n / 8.0) * (c - n / 8.0) / (n / 8.0);
        }
        assertTrue(chi2 < 24.3, "chi-square with 7 degrees of freedom: " + chi2); // p = 0.001
    }

    /** Random QPSK symbols of unit energy, ROWS x 2N. */
    private static FMatrixRMaj qpskRows(int rows) {
        FMatrixRMaj cb = Codebooks.qpsk(N);
        FMatrixRMaj x = new FMatrixRMaj(rows, 2 * N);
        Rng r = new Rng(1234);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(cb.data, r.nextInt(cb.numRows) * 2 * N, x.data, i * 2 * N, 2 * N);
        }
        return x;
    }
}
