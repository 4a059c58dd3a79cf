package org.grmodelfree.comm;

import java.util.Locale;

/**
 * Over what the transmitter's energy is normalised while it trains. At inference the codebook is
 * always normalised over all M messages (mean energy one per complex symbol), which is what is
 * deployed.
 */
public enum EnergyScope {
    /** Over the whole codebook, in training as at inference: what is trained is what is deployed. */
    CODEBOOK,
    /** Over each training batch, as the paper does: a batch's symbols have mean energy one. */
    BATCH;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EnergyScope parse(String s) {
        for (EnergyScope e : values()) {
            if (e.id().equalsIgnoreCase(s)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown energy normalisation '" + s + "', expected codebook or batch");
    }
}
