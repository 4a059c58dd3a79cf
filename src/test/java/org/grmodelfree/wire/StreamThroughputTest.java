package org.grmodelfree.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

class StreamThroughputTest {

    @Test
    void smallRunGivesAPositiveFiniteRate() {
        try (ZContext context = new ZContext()) {
            double rate = StreamThroughput.megaSamplesPerSecond(context, 50_000, true);
            assertTrue(rate > 0 && Double.isFinite(rate), "rate " + rate);
            assertTrue(context.getSockets().isEmpty(), "sockets closed");
        }
    }
}
