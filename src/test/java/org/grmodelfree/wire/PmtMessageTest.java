package org.grmodelfree.wire;

import static org.grmodelfree.wire.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.grmodelfree.wire.Pmt.PmtDict;
import org.grmodelfree.wire.Pmt.PmtInt;
import org.grmodelfree.wire.Pmt.PmtNil;
import org.grmodelfree.wire.Pmt.PmtPair;
import org.grmodelfree.wire.Pmt.PmtSymbol;
import org.grmodelfree.wire.Pmt.PmtU8Vector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class PmtMessageTest {

    private static final int WAIT = 5000;
    private ZContext context;

    @BeforeEach
    void openContext() {
        context = new ZContext();
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    @Test
    void pduMakesTheRoundTripAndGoesOutAsGnuRadioWritesIt() {
        Pmt pdu = new PmtPair(PmtNil.NIL, new PmtU8Vector(new byte[] {9}));
        Pmt tagged = new PmtPair(new PmtDict(Map.of(new PmtSymbol("len"), new PmtInt(3))),
                new PmtU8Vector(new byte[] {1, 2, 3}));
        try (PmtMessageOut out = new PmtMessageOut(context, null, true, WAIT);
                PmtMessageIn in = new PmtMessageIn(context, out.endpoint(), false, 1 << 16)) {
            out.send(pdu);
            out.send(tagged);
            Pmt got = in.receive(WAIT);
            assertTrue(got instanceof PmtPair p && p.car().equals(PmtNil.NIL)
                    && p.cdr() instanceof PmtU8Vector v && v.data().length == 1 && v.data()[0] == 9,
                    String.valueOf(got));
            assertArrayEquals(PmtCodec.serialize(tagged), PmtCodec.serialize(in.receive(WAIT)));
        }
        try (PmtMessageOut out = new PmtMessageOut(context, null, true, WAIT)) {
            ZMQ.Socket pull = context.createSocket(SocketType.PULL);
            pull.setLinger(0);
            pull.setReceiveTimeOut(WAIT);
            pull.connect(out.endpoint());
            out.send(pdu);
            assertArrayEquals(hex("07 06 0a 00 00000001 01 00 09"), pull.recv(0));
            pull.close();
        }
    }

    @Test
    void garbageFramesAreSkippedAndCounted() {
        try (PmtMessageIn in = new PmtMessageIn(context, null, true, 1 << 16)) {
            ZMQ.Socket push = context.createSocket(SocketType.PUSH);
            push.setLinger(0);
            push.connect(in.endpoint());
            push.send(hex("42 00"), 0);
            push.send(hex("07 06 0a 00 00000005 01 00 09"), 0); // truncated u8vector
            push.send(hex("03 00000007"), 0);
            assertEquals(new PmtInt(7), in.receive(WAIT));
            assertEquals(2, in.rejectedCount());
            assertTrue(in.lastRejection().contains(in.endpoint()), in.lastRejection());
            PeerTimeoutException e = assertThrows(PeerTimeoutException.class,
                    () -> in.receive(100));
            assertTrue(e.getMessage().contains(in.endpoint()), e.getMessage());
            push.close();
        }
    }
}
