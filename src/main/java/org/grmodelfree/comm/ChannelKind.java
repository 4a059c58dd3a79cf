package org.grmodelfree.comm;

import java.util.Locale;

/** The built-in channel families. */
public enum ChannelKind {
    /** y = x + n, n ~ CN(0, 1/SNR). */
    AWGN,
    /** Rayleigh block fading: y = h x + n, h ~ CN(0, 1) constant over one message's N symbols. */
    RBF;

    /** The lower-case name used on the command line and in files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "awgn" or "rbf" (any case). */
    public static ChannelKind parse(String s) {
        for (ChannelKind k : values()) {
            if (k.id().equalsIgnoreCase(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown channel '" + s + "', expected awgn or rbf");
    }

    /** The channel of this kind at the given SNR (dB). */
    public Channel at(double snrDb) {
        return switch (this) {
            case AWGN -> new AwgnChannel(snrDb);
            case RBF -> new RayleighBlockFadingChannel(snrDb);
        };
    }
}
