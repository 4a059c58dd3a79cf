package org.grmodelfree.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.grmodelfree.wire.ControlMessage.Losses;
import org.grmodelfree.wire.ControlMessage.Stop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;

/**
 * CURVE on the msgpack control links: a pair that works, clients that are refused (and nothing of
 * theirs accepted), a client with a wrong server key that gives up with a clear error instead of
 * reconnecting forever (JeroMQ issue 676), and no message lost over CURVE when the high-water mark
 * is hit (JeroMQ issue 1009).
 */
class CurveLinkTest {

    /** Longest wait for something that must happen; reaching it fails the test (never a speed bound). */
    private static final long PATIENCE_MILLIS = 20_000;

    @TempDir
    Path dir;
    private Path clients;
    private CurveKeys.Pair server;
    private CurveKeys.Pair client;
    private CurveKeys.Pair stray;
    private ZContext context;
    private CurveAuth auth;

    @BeforeEach
    void keys() throws IOException {
        Path keys = dir.resolve("keys");
        CurveKeys.generate(keys, List.of("server", "client", "stray"), false);
        server = CurveKeys.readSecret(CurveKeys.secretFile(keys, "server"));
        client = CurveKeys.readSecret(CurveKeys.secretFile(keys, "client"));
        stray = CurveKeys.readSecret(CurveKeys.secretFile(keys, "stray"));
        clients = Files.createDirectory(dir.resolve("clients"));
        Files.copy(CurveKeys.publicFile(keys, "client"), clients.resolve("client.key"));
        context = new ZContext();
        auth = new CurveAuth(context, clients);
    }

    @AfterEach
    void close() {
        context.getSockets().forEach(s -> s.setLinger(0));
        context.destroySocket(null);
        auth.close();
        context.close();
    }

    private ControlLink curveServer() {
        return new ControlLink(context, null, true, 5000, ControlLink.DEFAULT_MAX_MESSAGE_BYTES,
                Curve.server(server, auth));
    }

    private ControlLink curveClient(String endpoint, CurveKeys.Pair own, byte[] serverKey, int sendTimeout) {
        return new ControlLink(context, endpoint, false, sendTimeout, ControlLink.DEFAULT_MAX_MESSAGE_BYTES,
                Curve.client(own, serverKey, "server.key"));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE_MILLIS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aCurvePairCarriesMessagesBothWays() {
        try (ControlLink s = curveServer();
                ControlLink c = curveClient(s.endpoint(), client, server.publicKey(), 5000)) {
            Losses l = new Losses(3, 2, new float[] {0.25f, 1.5f});
            c.send(l);
            assertEquals(l, s.receive(PATIENCE_MILLIS));
            s.send(new Stop("done"));
            assertEquals(new Stop("done"), c.receive(PATIENCE_MILLIS));
            assertEquals(0, s.refusedCount());
            assertEquals("", s.lastRefusal());
            c.checkConnection();
        }
    }

    @Test
    void anUnauthorisedClientIsRefusedAndNoneOfItsMessagesIsAccepted() throws InterruptedException {
        try (ControlLink s = curveServer();
                ControlLink bad = curveClient(s.endpoint(), stray, server.publicKey(), 50);
                ControlLink good = curveClient(s.endpoint(), client, server.publicKey(), 5000)) {
            for (int i = 0; i < 20; i++) {
                try {
                    bad.send(new Losses(i, 1, new float[] {666f}));
                } catch (PeerTimeoutException | CurveHandshakeException e) {
                    // expected: no server ever takes them
                }
            }
            await("the stray client is refused", () -> s.refusedCount() > 0);
            assertTrue(s.lastRefusal().contains("refused a client at 127.0.0.1: its public key "
                    + CurveKeys.z85(stray.publicKey()) + " is not in " + clients), s.lastRefusal());
            assertTrue(s.lastRefusal().startsWith("CURVE control link " + s.endpoint()), s.lastRefusal());
            assertEquals(s.refusedCount(), s.refusedCount(Refusal.KEY) + s.refusedCount(Refusal.HANDSHAKE));
            assertTrue(s.refusedCount(Refusal.KEY) > 0 && s.lastRefusal(Refusal.KEY).contains("its public key "
                    + CurveKeys.z85(stray.publicKey())), s.lastRefusal(Refusal.KEY));
            Losses ok = new Losses(100, 1, new float[] {1f});
            good.send(ok);
            assertEquals(ok, s.receive(PATIENCE_MILLIS), "the authorised client's message, and only it");
            assertNull(s.poll());
            assertEquals(0, s.rejectedCount());
            // the refused client learns it: HANDSHAKE_FAILED_AUTH, then the clear error
            await("the refused client gives up", () -> {
                try {
                    bad.checkConnection();
                    return false;
                } catch (CurveHandshakeException e) {
                    return e.getMessage().contains("refused this block's key");
                }
            });
        }
    }

    /**
     * A connection that never finishes its handshake (a stray, or a client about to be refused)
     * takes none of the server's messages: JeroMQ attaches its pipe at once, and a DEALER server
     * dealt it every other message, which was lost with the connection (see FrameSocket).
     */
    @Test
    void aConnectionStillInItsHandshakeTakesNoneOfTheServersMessages() throws Exception {
        try (ControlLink s = curveServer();
                ControlLink c = curveClient(s.endpoint(), client, server.publicKey(), 5000)) {
            c.send(new Stop("hello"));
            assertEquals(new Stop("hello"), s.receive(PATIENCE_MILLIS), "the authorised client is connected");
            String[] hostPort = s.endpoint().substring("tcp://".length()).split(":");
            try (Socket stalled = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                stalled.setSoTimeout((int) PATIENCE_MILLIS);
                // the server's greeting: it has accepted the connection and attached its pipe
                assertEquals(0xFF, stalled.getInputStream().read(), "a ZMTP signature");
                int n = 10;
                for (int i = 0; i < n; i++) {
                    s.send(new Losses(i, 1, new float[] {i}));
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(new Losses(i, 1, new float[] {i}), c.receive(PATIENCE_MILLIS),
                            "message " + i + " reaches the authorised client, in order");
                }
                assertNull(c.poll());
            }
        }
    }

    @Test
    void aClientThatConnectsAgainTakesTheServersMessagesOver() {
        try (ControlLink s = curveServer()) {
            try (ControlLink first = curveClient(s.endpoint(), client, server.publicKey(), 5000)) {
                first.send(new Stop("first"));
                assertEquals(new Stop("first"), s.receive(PATIENCE_MILLIS));
                s.send(new Stop("to first"));
                assertEquals(new Stop("to first"), first.receive(PATIENCE_MILLIS));
            }
            try (ControlLink second = curveClient(s.endpoint(), client, server.publicKey(), 5000)) {
                second.send(new Stop("second"));
                assertEquals(new Stop("second"), s.receive(PATIENCE_MILLIS), "the server knows the new connection");
                s.send(new Stop("to second"));
                assertEquals(new Stop("to second"), second.receive(PATIENCE_MILLIS), "a restarted client is served");
            }
        }
    }

    @Test
    void aServerWithNoAuthorisedClientTimesOutNamingTheLink() {
        try (ControlLink s = new ControlLink(context, null, true, 200, ControlLink.DEFAULT_MAX_MESSAGE_BYTES,
                Curve.server(server, auth));
                ControlLink bad = curveClient(s.endpoint(), stray, server.publicKey(), 50)) {
            PeerTimeoutException e = assertThrows(PeerTimeoutException.class, () -> s.send(new Stop("x")));
            assertTrue(e.getMessage().startsWith("CURVE control link " + s.endpoint() + ": no peer took"),
                    e.getMessage());
        }
    }

    @Test
    void aClientWithAWrongServerKeyFailsWithAClearErrorInsteadOfReconnectingForever() throws InterruptedException {
        try (ControlLink s = curveServer();
                ControlLink c = curveClient(s.endpoint(), client, stray.publicKey(), 5000)) {
            AtomicReference<CurveHandshakeException> error = new AtomicReference<>();
            await("the client gives up", () -> {
                try {
                    c.poll();
                    return false;
                } catch (CurveHandshakeException e) {
                    error.set(e);
                    return true;
                }
            });
            String m = error.get().getMessage();
            assertTrue(m.contains("the server at " + s.endpoint() + " refused this block's key, or its key is not"
                    + " the one in server.key"), m);
            assertThrows(CurveHandshakeException.class, () -> c.receive(10));
            assertThrows(CurveHandshakeException.class, () -> c.send(new Stop("x")));
            await("the server counts the failed handshakes", () -> s.refusedCount() > 0);
            assertTrue(s.lastRefusal().contains("failed the CURVE handshake"), s.lastRefusal());
            assertTrue(s.lastRefusal(Refusal.HANDSHAKE).contains("failed the CURVE handshake"));
            assertEquals(0, s.refusedCount(Refusal.KEY), "no key reached the authenticator");
            assertEquals("", s.lastRefusal(Refusal.KEY));
            assertNull(s.poll());
        }
    }

    /**
     * A plain ZeroMQ client is refused too; JeroMQ tells the server nothing of it, but the client
     * learns it and says so instead of waiting in silence.
     */
    @Test
    void aPlainClientGetsNothingFromACurveServerAndSaysSo() throws InterruptedException {
        try (ControlLink s = curveServer();
                ControlLink plain = new ControlLink(context, s.endpoint(), false, 50, 1 << 20)) {
            AtomicReference<IllegalStateException> error = new AtomicReference<>();
            await("the plain client learns it is refused", () -> {
                try {
                    plain.checkConnection();
                    return false;
                } catch (IllegalStateException e) {
                    error.set(e);
                    return true;
                }
            });
            assertTrue(error.get().getMessage().contains(s.endpoint()), error.get().getMessage());
            assertThrows(PeerTimeoutException.class, () -> s.send(new Stop("secret")),
                    "a CURVE server has no peer to give a message to");
            assertThrows(IllegalStateException.class, plain::poll);
            assertNull(s.poll());
        }
    }

    @Test
    void plainLinksStillWorkInAContextWithACurveAuthenticator() {
        try (ControlLink s = ControlLink.bind(context, null); ControlLink c = ControlLink.connect(context, s.endpoint())) {
            c.send(new Stop("plain"));
            assertEquals(new Stop("plain"), s.receive(PATIENCE_MILLIS));
            assertEquals(0, s.refusedCount());
        }
    }

    @Test
    void aCurveServerNeedsAnOpenAuthenticatorOfItsContext() {
        try (ZContext other = new ZContext()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ControlLink(other,
                    null, true, 100, 100, Curve.server(server, auth)));
            assertTrue(e.getMessage().contains("would let every client in"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ControlLink(context,
                null, true, 100, 100, Curve.client(client, server.publicKey(), "f")));
        assertTrue(e.getMessage().contains("binds is the CURVE server"), e.getMessage());
    }

    @Test
    void anEmptyClientsDirectoryIsAnError() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        try (ZContext other = new ZContext()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CurveAuth(other, empty));
            assertTrue(e.getMessage().contains(empty + " holds no public key file"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new CurveAuth(other, empty.resolve("none")));
            assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
        }
    }

    /** JeroMQ issue 1009: CURVE and the high-water mark. Many more messages than it, to a slow reader. */
    @Test
    void overCurveNoDealerMessageIsLostAtTheHighWaterMark() throws Exception {
        int n = 20_000;
        try (ControlLink s = curveServer();
                ControlLink c = curveClient(s.endpoint(), client, server.publicKey(), (int) PATIENCE_MILLIS)) {
            Thread writer = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    c.send(new Losses(i, 1, new float[] {i}));
                }
            });
            AtomicReference<Throwable> failed = new AtomicReference<>();
            writer.setUncaughtExceptionHandler((t, e) -> failed.set(e));
            writer.start();
            for (int i = 0; i < n; i++) {
                if (i % 1000 == 0) {
                    Thread.sleep(20); // a slow reader: the writer meets the high-water mark
                }
                ControlMessage m = s.receive(PATIENCE_MILLIS);
                assertEquals(i, ((Losses) m).batchId(), "message " + i + " in order, none lost");
            }
            writer.join();
            assertNull(failed.get());
            assertNull(s.poll());
        }
    }

    /** As above over CURVE PUSH/PULL, the sockets of the issue, with a small high-water mark. */
    @Test
    void overCurveNoPushPullFrameIsLostAtTheHighWaterMark() throws Exception {
        int n = 20_000;
        try (FrameSocket pull = new FrameSocket(context, SocketType.PULL, "pull", null, true, 0, 16, 0, 10,
                Curve.server(server, auth));
                FrameSocket push = new FrameSocket(context, SocketType.PUSH, "push", pull.endpoint(), false,
                        (int) PATIENCE_MILLIS, 0, 0, 10, Curve.client(client, server.publicKey(), "server.key"))) {
            Thread writer = new Thread(() -> {
                byte[] b = new byte[4];
                for (int i = 0; i < n; i++) {
                    java.nio.ByteBuffer.wrap(b).putInt(i);
                    push.send(b, 4, "frame " + i);
                }
            });
            AtomicReference<Throwable> failed = new AtomicReference<>();
            writer.setUncaughtExceptionHandler((t, e) -> failed.set(e));
            writer.start();
            for (int i = 0; i < n; i++) {
                if (i % 500 == 0) {
                    Thread.sleep(10);
                }
                assertEquals(4, pull.receive(PATIENCE_MILLIS), "frame " + i + " arrived");
                assertEquals(i, java.nio.ByteBuffer.wrap(pull.buffer()).getInt(), "frame " + i + " in order");
            }
            writer.join();
            assertNull(failed.get());
            assertEquals(-1, pull.receive(0));
        }
    }

    /**
     * JeroMQ checks its size limit on the encrypted frame, which is longer: a frame of exactly the
     * limit still arrives over CURVE, and one a byte over is rejected by the one-byte-over check.
     */
    @Test
    void overCurveAFrameOfExactlyTheLimitArrivesAndOneByteMoreIsRejected() {
        try (FrameSocket pull = new FrameSocket(context, SocketType.PULL, "pull", null, true, 0, 64, 0, 0,
                Curve.server(server, auth));
                FrameSocket push = new FrameSocket(context, SocketType.PUSH, "push", pull.endpoint(), false,
                        5000, 0, 0, 0, Curve.client(client, server.publicKey(), "server.key"))) {
            push.send(new byte[64], 64, "64 bytes");
            assertEquals(64, pull.receive(PATIENCE_MILLIS));
            push.send(new byte[65], 65, "65 bytes");
            push.send(new byte[3], 3, "3 bytes");
            WireFormatException e = assertThrows(WireFormatException.class, () -> pull.receive(PATIENCE_MILLIS));
            assertTrue(e.getMessage().contains("receive limit of 64 bytes"), e.getMessage());
            assertEquals(3, pull.receive(PATIENCE_MILLIS));
            assertEquals(1, pull.rejectedCount());
        }
    }
}
