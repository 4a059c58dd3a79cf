package org.grmodelfree.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Headless PNG plots of {@link Series} (BLER curves, learning curves, constellations, scatter
 * plots) rendered with XChart. Every method renders the whole image in memory first and then
 * writes it with {@link AtomicFiles}, so a failed call never leaves a partial PNG behind.
 * Series are coloured by their position in the list, so the same list order gives the same
 * colours across plots. No method modifies its {@link Series} arguments or arrays.
 */
public final class Plots {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 600;
    private static final int SQUARE = 700;

    /** Matplotlib "tab10", distinguishable and familiar from papers. */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf),
    };

    private static final Marker[] MARKERS = {
        SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
        SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN,
    };

    private static final Color TRANSPARENT = new Color(0, 0, 0, 0);
    private static final int BAND_ALPHA = 56;
    private static final BasicStroke SOLID = new BasicStroke(2f, BasicStroke.CAP_ROUND,
            BasicStroke.JOIN_ROUND);
    private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT,
            BasicStroke.JOIN_MITER, 10f, new float[] {9f, 6f}, 0f);
    private static final BasicStroke ERROR_BAR = new BasicStroke(1.3f);
    private static final BasicStroke AXIS_LINE = new BasicStroke(1f);

    private Plots() {
    }

    /**
     * Block error rate versus SNR on a logarithmic BLER axis. Points whose x or y is not finite,
     * or whose BLER is not positive, are dropped (they cannot be shown on a log axis), and series
     * left without points are skipped (an image is still written if nothing remains). Series with
     * bounds get error bars from {@code yLow} to {@code yHigh}, with the lower end clamped to a
     * small positive value below the smallest plotted BLER. Dashed series (reference curves) are
     * drawn without markers; the others get one marker per point. 900x600 pixels.
     *
     * @param png    PNG file to create or replace; the file on disk is modified
     * @param title  chart title (null for none)
     * @param series curves to draw, at least one; not modified
     * @throws IllegalArgumentException if {@code series} is empty or contains null
     * @throws IOException              if the file cannot be written
     */
    public static void blerVsSnr(Path png, String title, List<Series> series) throws IOException {
        Objects.requireNonNull(png, "png");
        checkSeries(series);
        XYChart chart = newChart(WIDTH, HEIGHT, title, "SNR (dB)", "BLER");
        XYStyler styler = chart.getStyler();
        styler.setYAxisLogarithmic(true);
        // Waterfall curves leave the lower left corner empty: low SNR means high BLER.
        styler.setLegendPosition(LegendPosition.InsideSW);
        List<Points> kept = filter(series, false, true);
        double floor = positiveFloor(kept, 100);
        for (int i = 0; i < series.size(); i++) {
            addErrorBars(chart, i, kept.get(i), false, true, floor, xSpan(kept, false));
        }
        int drawn = 0;
        for (int i = 0; i < series.size(); i++) {
            drawn += addCurve(chart, i, series.get(i), kept.get(i), XYSeriesRenderStyle.Line, true);
        }
        finish(chart, drawn, png);
    }

    /**
     * Learning curves (e.g. loss or BLER versus iteration). Series are drawn as lines without
     * markers; when a series has bounds, a translucent band in the series colour is shaded
     * between {@code yLow} and {@code yHigh} (e.g. mean &plusmn; one standard deviation). All
     * bands are painted before all lines, so no band covers a curve. Non-finite points are dropped,
     * and with {@code logY} also non-positive ones; band ends that are not finite collapse onto
     * the curve, and with {@code logY} the lower edge is clamped to a small positive value.
     * 900x600 pixels.
     *
     * @param png    PNG file to create or replace; the file on disk is modified
     * @param title  chart title (null for none)
     * @param xLabel x axis title (null for none)
     * @param yLabel y axis title (null for none)
     * @param logY   logarithmic y axis
     * @param series curves to draw, at least one; not modified
     * @throws IllegalArgumentException if {@code series} is empty or contains null
     * @throws IOException              if the file cannot be written
     */
    public static void learningCurves(Path png, String title, String xLabel, String yLabel,
                                      boolean logY, List<Series> series) throws IOException {
        Objects.requireNonNull(png, "png");
        checkSeries(series);
        XYChart chart = newChart(WIDTH, HEIGHT, title, xLabel, yLabel);
        chart.getStyler().setYAxisLogarithmic(logY);
        List<Points> kept = filter(series, false, logY);
        double floor = positiveFloor(kept, 10);
        for (int i = 0; i < series.size(); i++) {
            addBand(chart, i, kept.get(i), logY, floor);
        }
        int drawn = 0;
        for (int i = 0; i < series.size(); i++) {
            drawn += addCurve(chart, i, series.get(i), kept.get(i), XYSeriesRenderStyle.Line, false);
        }
        finish(chart, drawn, png);
    }

    /**
     * Generic XY lines with one marker per point (e.g. cosine similarity versus exploration
     * variance for several batch sizes). Series with bounds get error bars. Non-finite points are
     * dropped, and so are non-positive coordinates on a logarithmic axis. 900x600 pixels.
     *
     * @param png    PNG file to create or replace; the file on disk is modified
     * @param title  chart title (null for none)
     * @param xLabel x axis title (null for none)
     * @param yLabel y axis title (null for none)
     * @param logX   logarithmic x axis
     * @param logY   logarithmic y axis
     * @param series curves to draw, at least one; not modified
     * @throws IllegalArgumentException if {@code series} is empty or contains null
     * @throws IOException              if the file cannot be written
     */
    public static void lines(Path png, String title, String xLabel, String yLabel, boolean logX,
                             boolean logY, List<Series> series) throws IOException {
        lines(png, title, xLabel, yLabel, logX, logY, series, null);
    }

    /**
     * {@link #lines(Path, String, String, String, boolean, boolean, List)} with the x tick labels
     * formatted by a {@link java.text.DecimalFormat} pattern (e.g. "#0.#" when the x values are not
     * round numbers and the automatic labels would show every digit); null for the default.
     */
    public static void lines(Path png, String title, String xLabel, String yLabel, boolean logX,
                             boolean logY, List<Series> series, String xDecimalPattern) throws IOException {
        Objects.requireNonNull(png, "png");
        checkSeries(series);
        XYChart chart = newChart(WIDTH, HEIGHT, title, xLabel, yLabel);
        if (xDecimalPattern != null) {
            chart.getStyler().setXAxisDecimalPattern(xDecimalPattern);
        }
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setYAxisLogarithmic(logY);
        List<Points> kept = filter(series, logX, logY);
        double floor = positiveFloor(kept, 100);
        for (int i = 0; i < series.size(); i++) {
            addErrorBars(chart, i, kept.get(i), logX, logY, floor, xSpan(kept, logX));
        }
        int drawn = 0;
        for (int i = 0; i < series.size(); i++) {
            drawn += addCurve(chart, i, series.get(i), kept.get(i), XYSeriesRenderStyle.Line, true);
        }
        finish(chart, drawn, png);
    }

    /**
     * Constellation of a learned codebook: every point of every message in the I/Q plane, one
     * colour per symbol index (legend "symbol 0" ... "symbol N-1"). Both axes span the same range,
     * symmetric around 0 (1.1 times the largest finite |coordinate|), with thin axis lines
     * through the origin. Non-finite points are not drawn. 700x700 pixels.
     *
     * @param png      PNG file to create or replace; the file on disk is modified
     * @param title    chart title (null for none)
     * @param codebook row-major {@code messages x (2*symbols)} values laid out
     *                 {@code re0, im0, re1, im1, ...} per message; not modified
     * @param messages number of messages (rows), positive
     * @param symbols  complex symbols per message, positive
     * @throws IllegalArgumentException if a count is not positive or
     *                                  {@code codebook.length != messages*2*symbols}
     * @throws IOException              if the file cannot be written
     */
    public static void constellation(Path png, String title, float[] codebook, int messages,
                                     int symbols) throws IOException {
        Objects.requireNonNull(png, "png");
        Objects.requireNonNull(codebook, "codebook");
        if (messages <= 0 || symbols <= 0) {
            throw new IllegalArgumentException("constellation needs positive counts, got messages="
                    + messages + " symbols=" + symbols);
        }
        long expected = 2L * messages * symbols;
        if (codebook.length != expected) {
            throw new IllegalArgumentException("codebook has " + codebook.length
                    + " floats but messages*2*symbols = " + messages + "*2*" + symbols + " = "
                    + expected);
        }
        int stride = 2 * symbols;
        double radius = 0;
        List<double[][]> points = new ArrayList<>(symbols);
        for (int k = 0; k < symbols; k++) {
            double[] re = new double[messages];
            double[] im = new double[messages];
            int n = 0;
            for (int m = 0; m < messages; m++) {
                double i = codebook[m * stride + 2 * k];
                double q = codebook[m * stride + 2 * k + 1];
                if (Double.isFinite(i) && Double.isFinite(q)) {
                    re[n] = i;
                    im[n] = q;
                    n++;
                    radius = Math.max(radius, Math.max(Math.abs(i), Math.abs(q)));
                }
            }
            points.add(new double[][] {Arrays.copyOf(re, n), Arrays.copyOf(im, n)});
        }
        double r = radius > 0 ? radius * 1.1 : 1.0;

        XYChart chart = newChart(SQUARE, SQUARE, title, "In-phase", "Quadrature");
        XYStyler styler = chart.getStyler();
        styler.setXAxisMin(-r).setXAxisMax(r).setYAxisMin(-r).setYAxisMax(r);
        styler.setMarkerSize(messages > 256 ? 5 : 8);
        if (symbols <= 4) {
            // A short legend below the plot keeps the plot area close to square.
            styler.setLegendPosition(LegendPosition.OutsideS);
            styler.setLegendLayout(LegendLayout.Horizontal);
        }
        Color axis = new Color(0x90, 0x90, 0x90);
        hidden(chart.addSeries("_axis_i", new double[] {-r, r}, new double[] {0, 0}), axis, AXIS_LINE);
        hidden(chart.addSeries("_axis_q", new double[] {0, 0}, new double[] {-r, r}), axis, AXIS_LINE);
        int drawn = 0;
        for (int k = 0; k < symbols; k++) {
            double[][] p = points.get(k);
            if (p[0].length == 0) {
                continue;
            }
            Color c = colour(k);
            XYSeries s = chart.addSeries("_s" + k, p[0], p[1]);
            s.setLabel("symbol " + k);
            s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            s.setMarker(MARKERS[k % MARKERS.length]);
            s.setMarkerColor(withAlpha(c, 210));
            s.setLineColor(c);
            drawn++;
        }
        finish(chart, drawn, png);
    }

    /**
     * Plain scatter plot (e.g. received samples of an impaired channel), one colour per series.
     * Bounds and the dashed flag are ignored; non-finite points are dropped. Markers are slightly
     * translucent so dense regions stay readable. 900x600 pixels.
     *
     * @param png    PNG file to create or replace; the file on disk is modified
     * @param title  chart title (null for none)
     * @param xLabel x axis title (null for none)
     * @param yLabel y axis title (null for none)
     * @param series point sets to draw, at least one; not modified
     * @throws IllegalArgumentException if {@code series} is empty or contains null
     * @throws IOException              if the file cannot be written
     */
    public static void scatter(Path png, String title, String xLabel, String yLabel,
                               List<Series> series) throws IOException {
        Objects.requireNonNull(png, "png");
        checkSeries(series);
        XYChart chart = newChart(WIDTH, HEIGHT, title, xLabel, yLabel);
        int total = 0;
        for (Series s : series) {
            total += s.x().length;
        }
        chart.getStyler().setMarkerSize(total > 2000 ? 4 : 7);
        List<Points> kept = filter(series, false, false);
        int drawn = 0;
        for (int i = 0; i < series.size(); i++) {
            Points p = kept.get(i);
            if (p.x.length == 0) {
                continue;
            }
            Color c = colour(i);
            XYSeries s = chart.addSeries("_s" + i, p.x, p.y);
            s.setLabel(series.get(i).name());
            s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            s.setMarker(MARKERS[i % MARKERS.length]);
            s.setMarkerColor(withAlpha(c, total > 2000 ? 140 : 210));
            s.setLineColor(c);
            drawn++;
        }
        finish(chart, drawn, png);
    }

    // ---------------------------------------------------------------- helpers

    /** The finite (and, on log axes, positive) points of one series, with their bounds. */
    private record Points(double[] x, double[] y, double[] lo, double[] hi) {
    }

    private static void checkSeries(List<Series> series) {
        Objects.requireNonNull(series, "series");
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no series to plot: the series list is empty");
        }
        for (int i = 0; i < series.size(); i++) {
            if (series.get(i) == null) {
                throw new IllegalArgumentException("series " + i + " is null");
            }
        }
    }

    private static List<Points> filter(List<Series> series, boolean logX, boolean logY) {
        List<Points> out = new ArrayList<>(series.size());
        for (Series s : series) {
            double[] x = s.x();
            double[] y = s.y();
            boolean bounds = s.yLow() != null;
            int n = x.length;
            double[] fx = new double[n];
            double[] fy = new double[n];
            double[] lo = bounds ? new double[n] : null;
            double[] hi = bounds ? new double[n] : null;
            int k = 0;
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(x[j]) || !Double.isFinite(y[j])
                        || (logX && x[j] <= 0) || (logY && y[j] <= 0)) {
                    continue;
                }
                fx[k] = x[j];
                fy[k] = y[j];
                if (bounds) {
                    lo[k] = s.yLow()[j];
                    hi[k] = s.yHigh()[j];
                }
                k++;
            }
            out.add(new Points(Arrays.copyOf(fx, k), Arrays.copyOf(fy, k),
                    bounds ? Arrays.copyOf(lo, k) : null,
                    bounds ? Arrays.copyOf(hi, k) : null));
        }
        return out;
    }

    /** Smallest plotted positive y divided by {@code divisor}: where clamped lower bounds end. */
    private static double positiveFloor(List<Points> kept, double divisor) {
        double min = Double.POSITIVE_INFINITY;
        for (Points p : kept) {
            for (double v : p.y) {
                if (v > 0 && v < min) {
                    min = v;
                }
            }
        }
        return Double.isInfinite(min) ? Double.MIN_NORMAL : min / divisor;
    }

    /** Range of plotted x (in decades on a log axis), used to size error bar caps. */
    private static double xSpan(List<Points> kept, boolean logX) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Points p : kept) {
            for (double v : p.x) {
                double t = logX ? Math.log10(v) : v;
                min = Math.min(min, t);
                max = Math.max(max, t);
            }
        }
        return max > min ? max - min : 1.0;
    }

    private static void addErrorBars(XYChart chart, int index, Points p, boolean logX,
                                     boolean logY, double floor, double xSpan) {
        if (p.lo == null) {
            return;
        }
        Color c = colour(index);
        double cap = 0.006 * xSpan;
        for (int j = 0; j < p.x.length; j++) {
            double lo = Double.isFinite(p.lo[j]) ? Math.min(p.lo[j], p.y[j]) : p.y[j];
            double hi = Double.isFinite(p.hi[j]) ? Math.max(p.hi[j], p.y[j]) : p.y[j];
            if (logY) {
                lo = Math.max(lo, floor);
            }
            if (!(hi > lo)) {
                continue;
            }
            double x = p.x[j];
            double left = logX ? x / Math.pow(10, cap) : x - cap;
            double right = logX ? x * Math.pow(10, cap) : x + cap;
            XYSeries s = chart.addSeries("_err" + index + "_" + j,
                    new double[] {left, right, x, x, left, right},
                    new double[] {lo, lo, lo, hi, hi, hi});
            hidden(s, c, ERROR_BAR);
        }
    }

    private static void addBand(XYChart chart, int index, Points p, boolean logY, double floor) {
        if (p.lo == null || p.x.length == 0) {
            return;
        }
        int n = p.x.length;
        double[] bx = new double[2 * n];
        double[] by = new double[2 * n];
        for (int j = 0; j < n; j++) {
            double lo = Double.isFinite(p.lo[j]) ? p.lo[j] : p.y[j];
            double hi = Double.isFinite(p.hi[j]) ? p.hi[j] : p.y[j];
            if (logY) {
                lo = Math.max(lo, floor);
                hi = Math.max(hi, floor);
            }
            bx[j] = p.x[j];
            by[j] = hi;
            bx[2 * n - 1 - j] = p.x[j];
            by[2 * n - 1 - j] = lo;
        }
        XYSeries s = chart.addSeries("_band" + index, bx, by);
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
        s.setFillColor(withAlpha(colour(index), BAND_ALPHA));
        s.setLineColor(TRANSPARENT);
        s.setMarker(SeriesMarkers.NONE);
        s.setShowInLegend(false);
    }

    /** Adds the visible curve of series {@code index}; returns 1 if drawn, 0 if it had no points. */
    private static int addCurve(XYChart chart, int index, Series series, Points p,
                                XYSeriesRenderStyle style, boolean markers) {
        if (p.x.length == 0) {
            return 0;
        }
        Color c = colour(index);
        XYSeries s = chart.addSeries("_s" + index, p.x, p.y);
        s.setLabel(series.name());
        s.setXYSeriesRenderStyle(style);
        s.setLineColor(c);
        s.setMarkerColor(c);
        if (series.dashed()) {
            s.setLineStyle(DASHED);
            s.setMarker(SeriesMarkers.NONE);
        } else {
            s.setLineStyle(SOLID);
            s.setMarker(markers ? MARKERS[index % MARKERS.length] : SeriesMarkers.NONE);
        }
        return 1;
    }

    /** Styles a helper series (error bar, axis line) that must not appear in the legend. */
    private static void hidden(XYSeries s, Color c, BasicStroke stroke) {
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
        s.setLineColor(c);
        s.setLineStyle(stroke);
        s.setMarker(SeriesMarkers.NONE);
        s.setShowInLegend(false);
    }

    private static XYChart newChart(int width, int height, String title, String xLabel,
                                    String yLabel) {
        XYChart chart = new XYChartBuilder().width(width).height(height)
                .title(Objects.toString(title, ""))
                .xAxisTitle(Objects.toString(xLabel, ""))
                .yAxisTitle(Objects.toString(yLabel, ""))
                .build();
        XYStyler s = chart.getStyler();
        s.setAntiAlias(true);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0x60, 0x60, 0x60));
        s.setPlotGridLinesColor(new Color(0xdd, 0xdd, 0xdd));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLegendBackgroundColor(new Color(255, 255, 255, 225));
        s.setLegendBorderColor(new Color(0xaa, 0xaa, 0xaa));
        s.setLegendPosition(LegendPosition.OutsideE);
        s.setLegendLayout(LegendLayout.Vertical);
        s.setLegendSeriesLineLength(28);
        s.setMarkerSize(8);
        s.setLocale(Locale.US);
        s.setXAxisTickMarkSpacingHint(100);
        s.setChartTitleVisible(title != null && !title.isEmpty());
        return chart;
    }

    /** Legend entries longer than this many characters go below the plot, not beside it. */
    static final int LONG_LEGEND_ENTRY = 32;

    /**
     * Moves a legend at the side below the plot when an entry is long (a sweep's recipes): beside
     * it, such a legend takes half the width and squeezes the plot and its title.
     */
    static void legendBelowIfLong(XYChart chart) {
        if (chart.getStyler().getLegendPosition() != LegendPosition.OutsideE) {
            return;
        }
        int longest = 0;
        for (XYSeries s : chart.getSeriesMap().values()) {
            if (s.isShowInLegend()) {
                longest = Math.max(longest, s.getLabel().length()); // the name is internal (_s0, ...)
            }
        }
        if (longest > LONG_LEGEND_ENTRY) {
            chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
        }
    }

    /** Writes the chart, or an empty frame with a note when no series had a drawable point. */
    private static void finish(XYChart chart, int drawn, Path png) throws IOException {
        if (drawn == 0) {
            // XChart cannot lay out axes without data: add an invisible placeholder point pair.
            XYSeries s = chart.addSeries("_empty", new double[] {1, 2}, new double[] {1, 2});
            hidden(s, TRANSPARENT, AXIS_LINE);
            chart.getStyler().setLegendVisible(false);
            chart.getStyler().setAxisTicksVisible(false);
            chart.getStyler().setPlotGridLinesVisible(false);
            String title = chart.getTitle();
            chart.setTitle((title == null || title.isEmpty() ? "" : title + " ")
                    + "(no plottable points)");
            chart.getStyler().setChartTitleVisible(true);
        } else {
            wholeDecades(chart);
            legendBelowIfLong(chart);
        }
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG encoder available");
            }
        });
    }

    /**
     * XChart labels a logarithmic axis at powers of ten only, so data inside one decade would get
     * no tick labels: widen every log axis to whole decades around the plotted values.
     */
    private static void wholeDecades(XYChart chart) {
        XYStyler st = chart.getStyler();
        double[] x = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] y = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (XYSeries series : chart.getSeriesMap().values()) {
            extend(x, series.getXData());
            extend(y, series.getYData());
        }
        if (st.isXAxisLogarithmic() && x[0] <= x[1]) {
            st.setXAxisMin(decadeBelow(x[0])).setXAxisMax(decadeAbove(x[0], x[1]));
        }
        if (st.isYAxisLogarithmic() && y[0] <= y[1]) {
            st.setYAxisMin(decadeBelow(y[0])).setYAxisMax(decadeAbove(y[0], y[1]));
        }
    }

    private static void extend(double[] range, double[] values) {
        for (double v : values) {
            if (v > 0 && Double.isFinite(v)) {
                range[0] = Math.min(range[0], v);
                range[1] = Math.max(range[1], v);
            }
        }
    }

    private static double decadeBelow(double v) {
        return Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
    }

    private static double decadeAbove(double low, double high) {
        double top = Math.pow(10, Math.ceil(Math.log10(high) - 1e-9));
        return top <= decadeBelow(low) ? top * 10 : top;
    }

    private static Color colour(int index) {
        if (index < PALETTE.length) {
            return PALETTE[index];
        }
        // Beyond the palette: spread hues by the golden angle so neighbours stay distinct.
        float hue = (float) ((index * 0.618033988749895) % 1.0);
        return Color.getHSBColor(hue, 0.75f, 0.8f);
    }

    private static Color withAlpha(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }
}
