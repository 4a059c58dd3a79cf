package org.grmodelfree.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.train.BlerPoint;
import org.grmodelfree.train.Evaluator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reference codebooks and error rates: uncoded QPSK on AWGN and on Rayleigh block fading. */
class CodebooksTest {

    private static final NormalDistribution STD_NORMAL = new NormalDistribution(null, 0, 1);

    private static double q(double x) {
        return 1 - STD_NORMAL.cumulativeProbability(x);
    }

    @Test
    void uncodedQpskAtTenDbOverFourSymbolsIsTheDesignReference() {
        // docs/design.md: uncoded QPSK over 4 symbols at 10 dB gives BLER 6.2e-3
        assertEquals(6.2e-3, Codebooks.qpskBler(4, 10), 0.01 * 6.2e-3);
    }

    @ParameterizedTest(name = "N = {0}, {1} dB")
    @CsvSource({"1, 0", "1, 7", "2, 6", "4, 8", "4, 10", "4, 14", "3, -5"})
    void qpskBlerIsOneMinusSymbolSuccessToThePowerTwoN(int n, double snrDb) {
        double p = q(Math.sqrt(Math.pow(10, snrDb / 10)));
        double expected = 1 - Math.pow(1 - p, 2 * n);
        assertEquals(expected, Codebooks.qpskBler(n, snrDb), 1e-6 * expected);
    }

    @Test
    void qpskCodebookHasUnitEnergyAndDistinctGrayMappedRows() {
        for (int n = 1; n <= 4; n++) {
            FMatrixRMaj c = Codebooks.qpsk(n);
            assertEquals(1 << (2 * n), c.numRows);
            assertEquals(2 * n, c.numCols);
            Set<String> rows = new HashSet<>();
            double total = 0;
            for (int m = 0; m < c.numRows; m++) {
                StringBuilder key = new StringBuilder();
                for (int j = 0; j < 2 * n; j++) {
                    float v = c.get(m, j);
                    assertEquals(Math.sqrt(0.5), Math.abs(v), 1e-7);
                    total += v * v;
                    key.append(v > 0 ? '+' : '-');
                }
                assertTrue(rows.add(key.toString()), "duplicate row " + m);
            }
            assertEquals(1.0, total / (c.numRows * n), 1e-6, "mean energy per complex symbol");
        }
        // Gray: messages differing in one bit differ in one real component
        FMatrixRMaj c = Codebooks.qpsk(2);
        for (int bit = 0; bit < 4; bit++) {
            int diff = 0;
            for (int j = 0; j < 4; j++) {
                if (c.get(5, j) != c.get(5 ^ (1 << bit), j)) {
                    diff++;
                }
            }
            assertEquals(1, diff);
        }
    }

    @Test
    void minimumDistanceOnQpskIsTheSignDecision() {
        FMatrixRMaj c = Codebooks.qpsk(3);
        int rows = 2_000;
        FMatrixRMaj y = new FMatrixRMaj(rows, 6);
        Rng r = new Rng(3);
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = r.nextInt(c.numRows);
            for (int j = 0; j < 6; j++) {
                y.set(i, j, (float) (c.get(labels[i], j) + 0.6 * r.nextGaussian()));
            }
        }
        int[] decisions = new int[rows];
        int errors = Codebooks.minDistance(c, y, labels, decisions);
        int expectedErrors = 0;
        for (int i = 0; i < rows; i++) {
            int sign = 0;
            for (int j = 0; j < 6; j++) {
                if (y.get(i, j) < 0) {
                    sign |= 1 << j;
                }
            }
            assertEquals(sign, decisions[i], "row " + i);
            if (sign != labels[i]) {
                expectedErrors++;
            }
        }
        assertEquals(expectedErrors, errors);
        assertTrue(errors > 0);
        int[] again = new int[rows];
        assertEquals(0, Codebooks.minDistance(c, y, null, again));
        assertArrayEquals(decisions, again);
        assertThrows(IllegalArgumentException.class,
                () -> Codebooks.minDistance(c, new FMatrixRMaj(2, 4), null, new int[2]));
    }

    @ParameterizedTest(name = "N = {0}, {1} dB")
    @CsvSource({"4, 6", "4, 8", "2, 6", "2, 8"})
    void monteCarloMinimumDistanceMatchesTheExactQpskBler(int n, double snrDb) {
        Evaluator ev = new Evaluator(2024, 1_000, 2_000_000, 2_000);
        BlerPoint p = ev.blerMinDistance(Codebooks.qpsk(n), ChannelKind.AWGN, snrDb);
        double exact = Codebooks.qpskBler(n, snrDb);
        assertTrue(p.errors() >= 1_000, "ran to the error target");
        assertTrue(p.ciLow() <= exact && exact <= p.ciHigh(),
                String.format("exact %.5f outside [%.5f, %.5f] (%d / %d)", exact, p.ciLow(), p.ciHigh(),
                        p.errors(), p.messages()));
    }

    @Test
    void rayleighReferenceIsAboveAwgnAtTheSameSnr() {
        for (int n : new int[] {1, 2, 4}) {
            for (double snr = 0; snr <= 20; snr += 2) {
                double ray = Codebooks.qpskBlerRayleigh(n, snr);
                double awgn = Codebooks.qpskBler(n, snr);
                assertTrue(ray > awgn, "N=" + n + " at " + snr + " dB: Rayleigh " + ray + ", AWGN " + awgn);
                assertTrue(ray < 1);
            }
        }
        // at high SNR fading costs orders of magnitude
        assertTrue(Codebooks.qpskBlerRayleigh(4, 14) > 1e4 * Codebooks.qpskBler(4, 14));
    }

    @Test
    void rayleighReferenceIsMonotoneDecreasing() {
        for (int n : new int[] {1, 4}) {
            double prev = Codebooks.qpskBlerRayleigh(n, -10);
            for (double snr = -7.5; snr <= 50; snr += 2.5) {
                double cur = Codebooks.qpskBlerRayleigh(n, snr);
                assertTrue(cur < prev, "N=" + n + ": BLER " + cur + " at " + snr + " dB, " + prev + " 2.5 dB lower");
                prev = cur;
            }
        }
    }

    /**
     * Against an independent integration of 1 - E[(1 - Q(sqrt(g SNR)))^(2N)], g ~ Exp(1), over
     * geometrically growing panels (the integrand's scale is 1 / SNR), on the RBF range the train
     * command plots by default (0 to 35 dB).
     */
    @Test
    void rayleighReferenceMatchesAnIndependentIntegration() {
        for (int n : new int[] {1, 4}) {
            for (double snr = 0; snr <= 35; snr += 5) {
                double expected = rayleighReference(n, snr);
                double actual = Codebooks.qpskBlerRayleigh(n, snr);
                assertEquals(expected, actual, 0.01 * expected, "N=" + n + " at " + snr + " dB");
            }
        }
    }

    @Test
    void rayleighReferenceLiesBetweenTheSymbolErrorAndItsUnionBound() {
        // per fading value q <= 1 - (1 - q)^(2N) <= 2N q; averaged over |h|^2 ~ Exp(1) with the
        // closed form E[Q(sqrt(g SNR))] = (1 - sqrt(SNR / (2 + SNR))) / 2
        for (int n : new int[] {1, 4}) {
            for (double snrDb = 0; snrDb <= 50; snrDb += 5) {
                double snr = Math.pow(10, snrDb / 10);
                double eq = 0.5 * (1 - Math.sqrt(snr / (2 + snr)));
                double actual = Codebooks.qpskBlerRayleigh(n, snrDb);
                assertTrue(actual >= eq && actual <= 2 * n * eq,
                        String.format("N=%d at %.0f dB: %.4g outside [%.4g, %.4g]", n, snrDb, actual, eq, 2 * n * eq));
            }
        }
    }

    private static double rayleighReference(int n, double snrDb) {
        double snr = Math.pow(10, snrDb / 10);
        IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(16, 1e-10, 1e-14);
        double sum = 0;
        double lo = 0;
        double hi = 1e-3 / snr;
        while (lo < 60) {
            double top = Math.min(hi, 60);
            sum += integrator.integrate(1_000_000, g -> {
                double p = q(Math.sqrt(g * snr));
                return Math.exp(-g) * -Math.expm1(2 * n * Math.log1p(-p));
            }, lo, top);
            lo = top;
            hi = 2 * top;
        }
        return sum;
    }
}
