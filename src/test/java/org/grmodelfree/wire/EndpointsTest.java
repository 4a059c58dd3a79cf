package org.grmodelfree.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class EndpointsTest {

    @ParameterizedTest
    @ValueSource(strings = {"ipc:///tmp/x", "tcp://host", "tcp://:5555", "tcp://h:70000",
            "tcp://h:-1", "udp://h:1", "tcp://a b:1", "", "tcp://*:5555", "tcp://h:0"})
    void badConnectAddressesAreNamed(String address) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Endpoints.requireTcp(address, false));
        assertTrue(e.getMessage().contains("'" + address + "'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://127.0.0.1:5555", "tcp://[::1]:5555", "tcp://gnuradio-host:1"})
    void goodAddressesPass(String address) {
        assertEquals(address, Endpoints.requireTcp(address, false));
    }

    @Test
    void wildcardsAreForBindingOnly() {
        assertEquals("tcp://*:0", Endpoints.requireTcp("tcp://*:0", true));
    }

    @Test
    void defaultBindIsLoopbackAndTheRealPortIsReadBack() {
        try (ZContext context = new ZContext()) {
            ZMQ.Socket s = context.createSocket(SocketType.PULL);
            String endpoint = Endpoints.bind(s, null);
            assertTrue(endpoint.matches("tcp://127\\.0\\.0\\.1:[0-9]+"), endpoint);
            assertNotEquals("tcp://127.0.0.1:0", endpoint);
            s.close();
        }
    }

    @Test
    void connectingLinksNeedAnAddress() {
        try (ZContext context = new ZContext()) {
            assertThrows(IllegalArgumentException.class,
                    () -> StreamIn.connect(context, null, false));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StreamOut.connect(context, "tcp://nowhere", false));
            assertTrue(e.getMessage().contains("tcp://nowhere"), e.getMessage());
            assertTrue(context.getSockets().isEmpty(), "a failed link leaves no socket open");
        }
    }
}
