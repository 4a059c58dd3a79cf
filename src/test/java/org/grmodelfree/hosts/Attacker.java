package org.grmodelfree.hosts;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.grmodelfree.wire.ControlCodec;
import org.grmodelfree.wire.ControlMessage;
import org.grmodelfree.wire.ControlPdu;
import org.grmodelfree.wire.CurveKeys;
import java.nio.file.Path;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

/**
 * A hostile host's process for fault tests: sends garbage, truncated and replayed frames and
 * messages to every address given, bounded in count and in time. For each address, for each round:
 * raw TCP connections carrying random bytes, ZMTP greetings cut short, and ZeroMQ DEALER and PUSH
 * sockets (the types that send) carrying random frames, truncated and bit-flipped control messages,
 * and valid control messages replayed many times (losses and sent samples for low batch ids, a stop,
 * a phase). Never reads: it takes nothing from a link. Prints what it sent, per address, at the end.
 *
 * A target given as {@code tcp://host:port=FILE} is a CURVE server whose public key is in FILE (public
 * keys are no secret): a CURVE client with a key pair of its own tries it too.
 *
 * <p>Usage: {@code Attacker ROUNDS MAX_SECONDS SEED tcp://host:port[=FILE] ...}
 */
public final class Attacker {
    /** The longest a CURVE client waits for its server's verdict (reaching it is not an error). */
    private static final long CURVE_PATIENCE_SECONDS = 10;

    private Attacker() {
    }

    public static void main(String[] a) throws Exception {
        int rounds = Integer.parseInt(a[0]);
        long deadline = System.nanoTime() + (long) (Double.parseDouble(a[1]) * 1e9);
        Random rng = new Random(Long.parseLong(a[2]));
        // CURVE servers first: a refused key is what their logs must show, before the run may end
        String[] targets = java.util.stream.Stream.concat(
                Arrays.stream(a, 3, a.length).filter(t -> t.contains("=")),
                Arrays.stream(a, 3, a.length).filter(t -> !t.contains("="))).toArray(String[]::new);
        // how each target's first CURVE client ended (written by JeroMQ's I/O thread)
        AtomicReferenceArray<String> curveVerdict = new AtomicReferenceArray<>(targets.length);
        long[] sent = new long[targets.length];
        byte[][] valid = {
            ControlCodec.encode(new ControlMessage.Losses(3, 1, new float[256])),
            ControlCodec.encode(new ControlMessage.Losses(500, 250, filled(256, 100f))),
            ControlCodec.encode(new ControlMessage.Sent(500, 250, new float[1024], 0.02)),
            ControlCodec.encode(new ControlMessage.Stop("forged")),
            ControlPdu.encode(new ControlMessage.Losses(7, 3, new float[3])),
            ControlPdu.encode(new ControlMessage.Stop("forged")),
        };
        try (ZContext ctx = new ZContext()) {
            for (int r = 0; r < rounds && System.nanoTime() < deadline; r++) {
                for (int t = 0; t < targets.length; t++) {
                    String[] target = targets[t].split("=", 2);
                    String address = target[0];
                    String host = address.substring(6, address.lastIndexOf(':'));
                    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
                    sent[t] += raw(host, port, rng);
                    // a CURVE client with a key of its own, where the server's public key is known
                    int kinds = target.length == 2 ? 3 : 2;
                    for (int k = 0; k < kinds; k++) {
                        ZMQ.Socket s = ctx.createSocket(k == 1 ? SocketType.PUSH : SocketType.DEALER);
                        s.setLinger(0);
                        s.setSendTimeOut(0);
                        s.setSndHWM(100_000);
                        CountDownLatch settled = new CountDownLatch(1);
                        final int index = t;
                        if (k == 2) {
                            // its handshake must reach the server's authenticator before the socket goes, however
                            // busy the machine: wait for the refusal (or the connection's end), not a fixed time
                            s.setEventHook(e -> {
                                ZMonitor.Event type = e.getEvent();
                                if (type == ZMonitor.Event.HANDSHAKE_FAILED_AUTH
                                        || type == ZMonitor.Event.HANDSHAKE_FAILED_PROTOCOL
                                        || type == ZMonitor.Event.HANDSHAKE_FAILED_NO_DETAIL
                                        || type == ZMonitor.Event.DISCONNECTED) {
                                    curveVerdict.compareAndSet(index, null, type.name());
                                    settled.countDown();
                                }
                            }, ZMQ.EVENT_ALL);
                            ZMQ.Curve.KeyPair own = ZMQ.Curve.generateKeyPair();
                            s.setCurvePublicKey(ZMQ.Curve.z85Decode(own.publicKey));
                            s.setCurveSecretKey(ZMQ.Curve.z85Decode(own.secretKey));
                            s.setCurveServerKey(CurveKeys.readPublic(Path.of(target[1])));
                        }
                        s.connect(address);
                        for (int i = 0; i < 200; i++) {
                            byte[] m = valid[rng.nextInt(valid.length)];
                            byte[] out = switch (i % 4) {
                                case 0 -> random(rng, 1 + rng.nextInt(2048));
                                case 1 -> Arrays.copyOf(m, rng.nextInt(m.length));
                                case 2 -> flip(m, rng);
                                default -> m; // replayed as it was
                            };
                            if (s.send(out, ZMQ.DONTWAIT)) {
                                sent[t]++;
                            }
                        }
                        Thread.sleep(20);
                        if (k == 2 && !settled.await(CURVE_PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                            curveVerdict.compareAndSet(t, null, "no verdict within " + CURVE_PATIENCE_SECONDS + " s");
                        }
                        ctx.destroySocket(s);
                    }
                }
            }
        }
        for (int t = 0; t < targets.length; t++) {
            System.out.println("attacker: " + targets[t].split("=", 2)[0] + ": " + sent[t]
                    + " frames and messages sent");
            if (curveVerdict.get(t) != null) {
                System.out.println("attacker: " + targets[t].split("=", 2)[0] + ": its first CURVE client ended: "
                        + curveVerdict.get(t));
            }
        }
    }

    /** Raw TCP: random bytes, then a ZMTP greeting cut short; returns how many connections carried data. */
    private static int raw(String host, int port, Random rng) {
        int n = 0;
        for (int i = 0; i < 2; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1000);
                OutputStream out = s.getOutputStream();
                if (i == 0) {
                    out.write(random(rng, 1 + rng.nextInt(4096)));
                } else {
                    byte[] greeting = new byte[64];
                    greeting[0] = (byte) 0xFF;
                    greeting[9] = 0x7F;
                    greeting[10] = 3;
                    System.arraycopy("NULL".getBytes(StandardCharsets.US_ASCII), 0, greeting, 12, 4);
                    out.write(greeting, 0, 1 + rng.nextInt(63));
                }
                out.flush();
                n++;
            } catch (IOException e) {
                // refused or reset: fine, that is the point
            }
        }
        return n;
    }

    private static float[] filled(int n, float v) {
        float[] f = new float[n];
        Arrays.fill(f, v);
        return f;
    }

    private static byte[] random(Random rng, int n) {
        byte[] b = new byte[n];
        rng.nextBytes(b);
        return b;
    }

    private static byte[] flip(byte[] m, Random rng) {
        byte[] b = m.clone();
        int i = rng.nextInt(b.length);
        b[i] ^= (byte) (1 << rng.nextInt(8));
        return b;
    }
}
