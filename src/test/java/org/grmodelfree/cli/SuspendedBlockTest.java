package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.grmodelfree.wire.StreamIn;
import org.grmodelfree.wire.StreamOut;
import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

/**
 * A block process suspended (SIGSTOP) for longer than its peer timeout while its peer goes on
 * sending, then resumed (SIGCONT), takes what arrived and goes on: it used to find its deadline
 * passed on waking, before its sockets had handed the waiting samples over, and exit blaming its
 * peer ("nothing arrived for ... has a peer stopped?"). When the peer does stop, it still reports
 * that, after the timeout.
 */
class SuspendedBlockTest {
    private static final double PEER_TIMEOUT_SECONDS = 2;

    private static void signal(long pid, String sig) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor(), "kill -" + sig);
    }

    @Test
    void a_resumed_block_takes_what_waited_instead_of_blaming_its_peer() throws Exception {
        try (ZContext context = new ZContext();
                StreamOut out = new StreamOut(context, null, true, false, StreamIn.COMPLEX64, 1000, 30_000)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(), "block", "receiver", "--messages", "16",
                    "--symbols", "2", "--hidden", "32", "--batch_rx", "64", "--batch_tx", "64", "--iterations", "1000",
                    "--peer_timeout", Double.toString(PEER_TIMEOUT_SECONDS), "--in", out.endpoint());
            pb.redirectErrorStream(true);
            Process p = pb.start();
            StringBuilder seen = new StringBuilder();
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sender = new Thread(() -> {
                float[] zeros = new float[2 * 1000];
                try {
                    while (sending.get()) {
                        out.send(zeros, 0, 1000);
                        Thread.sleep(50);
                    }
                } catch (InterruptedException | RuntimeException e) {
                    // the test ends it
                }
            });
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null && !line.contains("input 'in' connects")) {
                    seen.append(line).append('\n');
                }
                assertNotNull(line, "the block never connected:\n" + seen);
                Thread reader = new Thread(() -> {
                    try {
                        String l;
                        while ((l = r.readLine()) != null) {
                            synchronized (seen) {
                                seen.append(l).append('\n');
                            }
                        }
                    } catch (java.io.IOException e) {
                        // the process ended
                    }
                });
                reader.setDaemon(true);
                reader.start();
                sender.start();
                Thread.sleep(1000);
                signal(p.pid(), "STOP");
                Thread.sleep((long) (2 * PEER_TIMEOUT_SECONDS * 1000));
                signal(p.pid(), "CONT");
                Thread.sleep((long) (PEER_TIMEOUT_SECONDS * 1000));
                assertTrue(p.isAlive(), "the resumed block stopped although samples were waiting:\n" + seen);
                // the peer stops: then the block does report it (bounded: the timeout, the grace, a margin)
                sending.set(false);
                sender.join();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the block never noticed its peer had stopped");
                assertNotEquals(0, p.exitValue());
                synchronized (seen) {
                    assertTrue(seen.toString().contains("has a peer stopped?"), seen.toString());
                }
            } finally {
                sending.set(false);
                p.destroyForcibly();
                p.waitFor();
            }
        }
    }

}
