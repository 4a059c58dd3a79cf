package org.grmodelfree.hosts;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting relay for one ZeroMQ TCP link, run as a process of its own on a test host (tc's
 * netem is not available in these kernels): it accepts connections on one address and relays each to
 * a target. From the target (the bound side) to the connecting side it parses ZMTP 3 (a 64-byte
 * greeting, passed on as it comes, since each side waits for part of the other's, then frames: flags, a 1- or 8-byte size, the body), holds each frame for delay plus a
 * uniform jitter (never reordering, as TCP would not), and drops a message frame (never a command)
 * with the given probability: whole messages lost, the stream still valid. The other direction is
 * copied as it comes. Prints "relay: forwarded F, dropped D" on a line after each 100 frames.
 *
 * <p>Usage: {@code FaultRelay LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS JITTER_MS DROP SEED}
 */
public final class FaultRelay {
    private static final AtomicLong FORWARDED = new AtomicLong();
    private static final AtomicLong DROPPED = new AtomicLong();

    private FaultRelay() {
    }

    public static void main(String[] a) throws IOException {
        InetSocketAddress listen = new InetSocketAddress(InetAddress.getByName(a[0]), Integer.parseInt(a[1]));
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(a[2]), Integer.parseInt(a[3]));
        double delay = Double.parseDouble(a[4]);
        double jitter = Double.parseDouble(a[5]);
        double drop = Double.parseDouble(a[6]);
        Random rng = new Random(Long.parseLong(a[7]));
        try (ServerSocket server = new ServerSocket()) {
            server.bind(listen);
            System.out.println("relay: listening on " + listen + " for " + target);
            while (true) {
                Socket client = server.accept();
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 5000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                long seed = rng.nextLong();
                start(() -> copy(client, upstream));
                start(() -> frames(upstream, client, delay, jitter, drop, new Random(seed)));
            }
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] b = new byte[65536];
            int n;
            while ((n = in.read(b)) >= 0) {
                out.write(b, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            close(from, to);
        }
    }

    private record Held(long sendAtNanos, byte[] bytes) {
    }

    private static void frames(Socket from, Socket to, double delayMs, double jitterMs, double drop, Random rng) {
        LinkedBlockingQueue<Held> queue = new LinkedBlockingQueue<>();
        Thread sender = new Thread(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Held h = queue.take();
                    long wait = h.sendAtNanos() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    if (h.bytes().length == 0) {
                        return;
                    }
                    out.write(h.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                close(from, to);
            }
        });
        sender.setDaemon(true);
        sender.start();
        long last = 0;
        try (DataInputStream in = new DataInputStream(from.getInputStream())) {
            // the greeting goes on as it comes: each side sends part of it and waits for the other's
            int greeting = 0;
            while (greeting < 64) {
                byte[] part = new byte[64 - greeting];
                int n = in.read(part);
                if (n < 0) {
                    throw new IOException("closed in the greeting");
                }
                queue.add(new Held(System.nanoTime(), java.util.Arrays.copyOf(part, n)));
                greeting += n;
            }
            while (true) {
                int flags = in.readUnsignedByte();
                long size = (flags & 0x02) != 0 ? in.readLong() : in.readUnsignedByte();
                if (size < 0 || size > (64 << 20)) {
                    throw new IOException("frame of " + size + " bytes");
                }
                int head = (flags & 0x02) != 0 ? 9 : 2;
                byte[] frame = new byte[head + (int) size];
                frame[0] = (byte) flags;
                for (int i = head - 1; i >= 1; i--) {
                    frame[i] = (byte) (size >>> (8 * (head - 1 - i)));
                }
                in.readFully(frame, head, (int) size);
                boolean command = (flags & 0x04) != 0;
                if (!command && rng.nextDouble() < drop) {
                    count(DROPPED);
                    continue;
                }
                double ms = Math.max(0, delayMs + jitterMs * (2 * rng.nextDouble() - 1));
                long at = Math.max(last, System.nanoTime() + (long) (ms * 1e6));
                last = at;
                queue.add(new Held(at, frame));
                count(FORWARDED);
            }
        } catch (IOException e) {
            queue.add(new Held(last, new byte[0]));
        }
    }

    private static void count(AtomicLong which) {
        which.incrementAndGet();
        if ((FORWARDED.get() + DROPPED.get()) % 100 == 0) {
            System.out.println("relay: forwarded " + FORWARDED.get() + ", dropped " + DROPPED.get());
        }
    }

    private static void close(Socket a, Socket b) {
        try {
            a.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            b.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
