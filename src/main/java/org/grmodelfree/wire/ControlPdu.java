package org.grmodelfree.wire;

import java.util.LinkedHashMap;
import java.util.Map;
import org.grmodelfree.wire.Pmt.PmtDict;
import org.grmodelfree.wire.Pmt.PmtPair;
import org.grmodelfree.wire.Pmt.PmtU8Vector;

/**
 * {@link ControlMessage}s as GNU Radio PDUs, so they can cross a flowgraph's message ports
 * (gr-zeromq's {@code pull_msg_source} / {@code push_msg_sink}, a message debug, a PDU filter):
 * one PMT pair per frame, {@code (metadata . u8vector)}. The u8vector holds the message exactly as
 * {@link ControlCodec} encodes it (msgpack, with type, version, batch id and iteration), so the
 * strict checks of that codec apply unchanged. The metadata dict repeats "type", "batch" and
 * "iteration" for people and for GNU Radio blocks that route on metadata; the decoder reads the
 * payload only, so metadata edited by a flowgraph cannot change what a block learns from.
 */
public final class ControlPdu {
    private static final String LABEL = "control PDU: ";

    private ControlPdu() {
    }

    /** @return the serialised PDU for {@code message} */
    public static byte[] encode(ControlMessage message) {
        Map<Pmt, Pmt> meta = new LinkedHashMap<>();
        meta.put(new Pmt.PmtSymbol("type"), new Pmt.PmtSymbol(ControlCodec.typeName(message)));
        if (message instanceof ControlMessage.AboutBatch b) {
            meta.put(new Pmt.PmtSymbol("batch"), new Pmt.PmtUint64(b.batchId()));
            meta.put(new Pmt.PmtSymbol("iteration"), new Pmt.PmtUint64(b.iteration()));
        }
        return PmtCodec.serialize(new PmtPair(new PmtDict(meta), new PmtU8Vector(ControlCodec.encode(message))));
    }

    /**
     * @return the message the PDU carries
     * @throws WireFormatException if the frame is not a serialised PMT, not a PDU with a
     *     u8vector payload, or the payload is not a valid control message
     */
    public static ControlMessage decode(byte[] src, int off, int len) {
        Pmt pmt;
        try {
            pmt = PmtCodec.deserialize(src, off, len);
        } catch (WireFormatException e) {
            throw new WireFormatException(LABEL + e.getMessage(), e);
        }
        if (!(pmt instanceof PmtPair pair)) {
            throw new WireFormatException(LABEL + "expected a PDU (metadata . u8vector), got " + kind(pmt));
        }
        if (!(pair.car() instanceof PmtDict) && !(pair.car() instanceof Pmt.PmtNil)) {
            throw new WireFormatException(LABEL + "PDU metadata must be a dict, got " + kind(pair.car()));
        }
        if (!(pair.cdr() instanceof PmtU8Vector payload)) {
            throw new WireFormatException(LABEL + "PDU payload must be a u8vector, got " + kind(pair.cdr()));
        }
        return ControlCodec.decode(payload.data());
    }

    private static String kind(Pmt p) {
        return p.getClass().getSimpleName().replaceFirst("^Pmt", "").toLowerCase(java.util.Locale.ROOT);
    }
}
