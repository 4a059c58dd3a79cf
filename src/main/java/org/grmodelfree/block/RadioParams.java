package org.grmodelfree.block;

import java.util.List;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.sync.RadioFormat;

/**
 * The parameters both radio blocks share: what they must agree on with each other (the pulse shape
 * and the pilots, {@link RadioFormat}) and with the link's blocks (N and the batch sizes, which fix
 * the link frame's length). Declared once here, as {@link TrainingParams} declares the link's.
 */
final class RadioParams {
    private static final RadioFormat D = RadioFormat.of(FrameFormat.of(1));

    static final ParamSpec SPS = ParamSpec.integer("sps", "Samples per symbol", D.sps(), 2L, 32L,
            "samples per symbol of the pulse-shaped stream (the radio's sample rate over the symbol rate)");
    static final ParamSpec ROLLOFF = ParamSpec.real("rolloff", "Roll-off", D.rolloff(), 0.01, 1.0,
            "roll-off (excess bandwidth) of the root-raised-cosine pulse");
    static final ParamSpec SPAN = ParamSpec.integer("span", "Filter span (symbols)", D.span(), 2L, 64L,
            "length of the root-raised-cosine filter in symbols (even)").inAdvanced();
    static final ParamSpec PILOT_SPACING = ParamSpec.integer("pilot_spacing", "Pilot spacing", D.pilotSpacing(), 0L,
            1_000_000L, "link symbols between pilot blocks, which track phase and gain through a frame"
                    + " (0: none; both radio blocks must agree)").inAdvanced();
    static final ParamSpec PILOT_LENGTH = ParamSpec.integer("pilot_length", "Pilot length", D.pilotLength(), 4L,
            1024L, "known symbols per pilot block (both radio blocks must agree)").inAdvanced();
    static final ParamSpec SAMP_RATE = ParamSpec.real("samp_rate", "Sample rate", 1e6, 1.0, 1e10,
            "the radio's sample rate, samples per second");

    /** What the link's frame length depends on, then the radio format. */
    static final List<ParamSpec> FORMAT = List.of(TrainingParams.SYMBOLS, TrainingParams.BATCH_RX,
            TrainingParams.BATCH_TX, SPS, ROLLOFF, SPAN, PILOT_SPACING, PILOT_LENGTH);

    private RadioParams() {
    }

    /** The radio format the parameters give. */
    static RadioFormat format(Params p) {
        FrameFormat inner = BatchFraming.format((int) p.integer(TrainingParams.BATCH_RX),
                (int) p.integer(TrainingParams.BATCH_TX), (int) p.integer(TrainingParams.SYMBOLS));
        return new RadioFormat(inner, (int) p.integer(SPS), p.real(ROLLOFF), (int) p.integer(SPAN),
                (int) p.integer(PILOT_SPACING), (int) p.integer(PILOT_LENGTH));
    }
}
