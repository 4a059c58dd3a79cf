package org.grmodelfree.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {

    @TempDir
    Path dir;

    private static final double[] SNR = {0, 2, 4, 6, 8, 10};

    private static void assertPng(Path png, int width, int height) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "not a readable image: " + png);
        assertEquals(width, image.getWidth());
        assertEquals(height, image.getHeight());
        int first = image.getRGB(0, 0);
        boolean varied = false;
        for (int y = 0; y < height && !varied; y++) {
            for (int x = 0; x < width; x++) {
                if (image.getRGB(x, y) != first) {
                    varied = true;
                    break;
                }
            }
        }
        assertTrue(varied, "image has a single colour: " + png);
        try (var files = Files.list(png.getParent())) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")),
                    "temporary file left behind");
        }
    }

    private static Series learnedBler() {
        double[] bler = {0.4, 0.15, 0.03, 2e-3, 4e-5, 1e-6};
        double[] lo = new double[bler.length];
        double[] hi = new double[bler.length];
        for (int i = 0; i < bler.length; i++) {
            lo[i] = bler[i] * 0.5;
            hi[i] = bler[i] * 1.8;
        }
        lo[5] = 0; // lower confidence bound of a rare event: must be clamped on the log axis
        return Series.band("learned", SNR, bler, lo, hi);
    }

    @Test
    void blerVsSnrWritesPng() throws IOException {
        Path png = dir.resolve("bler.png");
        Plots.blerVsSnr(png, "BLER", List.of(learnedBler(),
                Series.dashed("uncoded QPSK", SNR, new double[] {0.3, 0.2, 0.08, 0.02, 2e-3, 1e-4})));
        assertPng(png, 900, 600);
    }

    @Test
    void blerVsSnrDropsZerosAndNanAndSkipsEmptySeries() throws IOException {
        Path png = dir.resolve("bler_zeros.png");
        Plots.blerVsSnr(png, "BLER with gaps", List.of(
                Series.line("gappy", SNR, new double[] {0.3, Double.NaN, 0.01, 0, -1, Double.POSITIVE_INFINITY}),
                Series.line("all zero", SNR, new double[SNR.length]),
                Series.band("nan x", new double[] {Double.NaN, 3}, new double[] {0.1, 0.05},
                        new double[] {Double.NaN, 0.01}, new double[] {0.2, Double.NaN})));
        assertPng(png, 900, 600);

        Path empty = dir.resolve("bler_empty.png");
        Plots.blerVsSnr(empty, "nothing to show", List.of(Series.line("all zero", SNR, new double[SNR.length])));
        assertPng(empty, 900, 600);
    }

    @Test
    void learningCurvesWithBandsLinearAndLog() throws IOException {
        int n = 50;
        double[] it = new double[n];
        double[] mean = new double[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        double[] other = new double[n];
        for (int i = 0; i < n; i++) {
            it[i] = i * 10;
            mean[i] = 1.0 / (1 + 0.1 * i);
            lo[i] = mean[i] - 0.3; // goes negative: clamped when logY
            hi[i] = mean[i] + 0.3;
            other[i] = 0.8 * Math.exp(-0.05 * i);
        }
        List<Series> series = List.of(Series.band("receiver", it, mean, lo, hi),
                Series.line("transmitter", it, other),
                Series.dashed("target", new double[] {0, 490}, new double[] {0.05, 0.05}));
        Path linear = dir.resolve("learn.png");
        Plots.learningCurves(linear, "loss", "iteration", "loss", false, series);
        assertPng(linear, 900, 600);
        Path log = dir.resolve("learn_log.png");
        Plots.learningCurves(log, "loss", "iteration", "loss", true, series);
        assertPng(log, 900, 600);
    }

    @Test
    void linesWithLogAxesAndDegenerateSeries() throws IOException {
        double[] var = {1e-4, 1e-3, 1e-2, 1e-1, 1};
        Path png = dir.resolve("lines.png");
        Plots.lines(png, "cosine similarity", "exploration variance", "cosine similarity", true, false,
                List.of(Series.line("batch 64", var, new double[] {0.1, 0.3, 0.5, 0.4, 0.2}),
                        Series.band("batch 256", var, new double[] {0.2, 0.5, 0.7, 0.6, 0.3},
                                new double[] {0.1, 0.4, 0.6, 0.5, 0.2},
                                new double[] {0.3, 0.6, 0.8, 0.7, 0.4}),
                        Series.line("with zero x", new double[] {0, 1e-2}, new double[] {0.9, 0.9})));
        assertPng(png, 900, 600);

        Path single = dir.resolve("single.png");
        Plots.lines(single, null, "x", "y", false, true,
                List.of(Series.line("one point", new double[] {3}, new double[] {0.5})));
        assertPng(single, 900, 600);
    }

    @Test
    void constellationWritesSquarePng() throws IOException {
        int messages = 16;
        int symbols = 3;
        float[] codebook = new float[messages * 2 * symbols];
        for (int m = 0; m < messages; m++) {
            for (int k = 0; k < symbols; k++) {
                double phase = 2 * Math.PI * (m + 0.25 * k) / messages;
                codebook[m * 2 * symbols + 2 * k] = (float) ((1 + 0.3 * k) * Math.cos(phase));
                codebook[m * 2 * symbols + 2 * k + 1] = (float) ((1 + 0.3 * k) * Math.sin(phase));
            }
        }
        Path png = dir.resolve("constellation.png");
        Plots.constellation(png, "learned constellation", codebook, messages, symbols);
        assertPng(png, 700, 700);
    }

    @Test
    void constellationRejectsWrongLength() {
        Path png = dir.resolve("bad.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plots.constellation(png, "bad", new float[10], 4, 1));
        assertTrue(e.getMessage().contains("10"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Plots.constellation(png, "bad", new float[0], 0, 1));
        assertFalse(Files.exists(png));
    }

    @Test
    void scatterWritesPng() throws IOException {
        int n = 500;
        double[] i = new double[n];
        double[] q = new double[n];
        java.util.Random rng = new java.util.Random(7);
        for (int k = 0; k < n; k++) {
            i[k] = (rng.nextBoolean() ? 0.7 : -0.7) + 0.1 * rng.nextGaussian();
            q[k] = (rng.nextBoolean() ? 0.7 : -0.7) + 0.1 * rng.nextGaussian();
        }
        i[3] = Double.NaN;
        Path png = dir.resolve("scatter.png");
        Plots.scatter(png, "received samples", "In-phase", "Quadrature",
                List.of(Series.line("rx", i, q)));
        assertPng(png, 900, 600);
    }

    @Test
    void everyPlotRejectsAnEmptySeriesList() {
        Path png = dir.resolve("never.png");
        List<Series> none = List.of();
        assertThrows(IllegalArgumentException.class, () -> Plots.blerVsSnr(png, "t", none));
        assertThrows(IllegalArgumentException.class,
                () -> Plots.learningCurves(png, "t", "x", "y", false, none));
        assertThrows(IllegalArgumentException.class,
                () -> Plots.lines(png, "t", "x", "y", false, false, none));
        assertThrows(IllegalArgumentException.class, () -> Plots.scatter(png, "t", "x", "y", none));
        assertFalse(Files.exists(png));
    }

    @Test
    void aLegendOfLongEntriesGoesBelowThePlot() {
        for (int len : new int[] {Plots.LONG_LEGEND_ENTRY, Plots.LONG_LEGEND_ENTRY + 1}) {
            org.knowm.xchart.XYChart chart = new org.knowm.xchart.XYChartBuilder().width(900).height(600).build();
            chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
            chart.addSeries("_s0", new double[] {1, 2}, new double[] {1, 2}).setLabel("x".repeat(len));
            chart.addSeries("short", new double[] {1, 2}, new double[] {2, 3});
            Plots.legendBelowIfLong(chart);
            assertEquals(len > Plots.LONG_LEGEND_ENTRY ? org.knowm.xchart.style.Styler.LegendPosition.OutsideS
                    : org.knowm.xchart.style.Styler.LegendPosition.OutsideE, chart.getStyler().getLegendPosition(),
                    "longest entry " + len + " characters");
        }
    }
}
