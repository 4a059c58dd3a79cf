package org.grmodelfree.run;

import java.util.ArrayList;
import java.util.List;

/**
 * SNR lists as the command line spells them: "0:2:14" (start:step:stop, inclusive), "0,5,10", or one value.
 *
 * @param values the SNRs in dB, in the order given
 */
public record SnrRange(double[] values) {

    /** The SNRs of a BLER curve unless told otherwise: 0:2:14 dB on AWGN, 0:5:35 dB on RBF. */
    public static String defaultCurve(org.grmodelfree.comm.ChannelKind channel) {
        return channel == org.grmodelfree.comm.ChannelKind.AWGN ? "0:2:14" : "0:5:35";
    }

    /** The SNRs of a spelling; an IllegalArgumentException naming it when it is malformed. */
    public static double[] parse(String value) {
        String v = value.trim();
        try {
            if (v.contains(":")) {
                String[] p = v.split(":");
                if (p.length != 3) {
                    throw new IllegalArgumentException("SNR range '" + value + "' is not start:step:stop");
                }
                double start = Double.parseDouble(p[0]);
                double step = Double.parseDouble(p[1]);
                double stop = Double.parseDouble(p[2]);
                if (!Double.isFinite(start) || !Double.isFinite(step) || !Double.isFinite(stop)) {
                    throw new NumberFormatException(); // NaN gave an empty range
                }
                if (!(step > 0) || stop < start || (stop - start) / step > 1000) {
                    throw new IllegalArgumentException("SNR range '" + value
                            + "' needs a positive step, stop >= start and at most 1000 points");
                }
                List<Double> out = new ArrayList<>();
                // counted, not compared: at 1e308 a step of 1 does not move start, and the list grew without end
                long points = (long) Math.floor((stop - start) / step + 1e-9) + 1;
                for (int i = 0; i < points; i++) {
                    double x = start + i * step;
                    // rounded to 1e-9 dB against 0.1-step drift; beyond a long's range the rounding saturated
                    out.add(Math.abs(x) < 1e9 ? Math.round(x * 1e9) / 1e9 : x);
                }
                return out.stream().mapToDouble(Double::doubleValue).toArray();
            }
            String[] p = v.split(",");
            double[] out = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                out[i] = Double.parseDouble(p[i].trim());
                if (!Double.isFinite(out[i])) {
                    throw new NumberFormatException();
                }
            }
            return out;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SNR list '" + value
                    + "' is not a number, a list like 0,5,10 or a range like 0:2:14");
        }
    }
}
