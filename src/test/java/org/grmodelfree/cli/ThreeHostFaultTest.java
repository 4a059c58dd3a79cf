package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.hosts.Attacker;
import org.grmodelfree.hosts.FaultRelay;
import org.grmodelfree.block.TransmitterBlock;
import org.grmodelfree.launch.ZmqTraining;
import org.grmodelfree.store.BlockCheckpointFile;
import org.grmodelfree.train.BlerPoint;
import org.grmodelfree.train.TrainConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults during a three-host training run ({@link ThreeHosts}), one per test: the link between the
 * channel and receiver hosts down for a few seconds; delay, jitter and message loss on the feedback
 * link (a relay of the test's own, {@link FaultRelay}); the receiver killed and restarted from its
 * checkpoint, then the transmitter; garbage, truncated and replayed frames and messages to every
 * listening address from a fourth host ({@link Attacker}); every process of one host stopped for 20 s.
 * After each, the run completes, every batch the fault hit is learned from or counted as skipped,
 * and the final BLER is within Monte Carlo error of the same training in one JVM. Each test prints
 * what its fault cost in frames and batches.
 */
class ThreeHostFaultTest {
    static final int ITERATIONS = 1200;
    private static BlerPoint reference;

    @BeforeAll
    static void setUp(@TempDir Path tmp) throws Exception {
        FlowgraphTest.gnuRadio(tmp);
        reference = ThreeHostTrainingTest.embedded(config());
    }

    static TrainConfig config() {
        return ZmqLinkTest.small(ITERATIONS);
    }

    /** What a fault does once the run is under way. */
    interface Fault {
        void inject(ThreeHosts h, ZmqTraining.Link link) throws Exception;
    }

    /** Waits until the receiver has checkpointed batch target (or the time is up). */
    static long awaitReceiverBatch(ZmqTraining.Link link, long target, long seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long at = 0;
        while (System.nanoTime() < deadline) {
            if (Files.exists(link.rxCheckpoint)) {
                at = BlockCheckpointFile.load(link.rxCheckpoint).nextBatch();
                if (at >= target) {
                    return at;
                }
            }
            Thread.sleep(50);
        }
        return at;
    }

    static long number(Map<String, Object> stats, String key) {
        Object v = stats.get(key);
        return v instanceof Number n ? n.longValue() : 0;
    }

    /**
     * Runs the link on three hosts (and a fourth, x, joined to each of them, for a hostile peer), its
     * message links over CurveZMQ, with before run ahead of the blocks and the fault injected at about
     * a third of the run; checks that it completes, that every batch was learned from or skipped and
     * none learned from with samples that were not its own, and that it reaches the embedded run's
     * BLER; prints the fault's cost and returns the run's log.
     */
    static String survive(String name, Path dir, String feedbackIn, Fault before, Fault fault) throws Exception {
        return survive(name, dir, feedbackIn, before, fault, false);
    }

    /** restarts: whether the fault restarts the transmitter (whose stats then cover its last life only). */
    static String survive(String name, Path dir, String feedbackIn, Fault before, Fault fault, boolean restarts)
            throws Exception {
        TrainConfig c = config();
        long t0 = System.nanoTime();
        try (ThreeHosts h = ThreeHosts.create("x")) {
            h.startChannel(dir.resolve("channel"), c.snrDb(), 7);
            before.inject(h, null);
            ZmqTraining.Link link = h.startBlocks(c, dir.resolve("blocks"), OPTIONS,
                    h.layout(feedbackIn == null ? h.feedbackOut() : feedbackIn, Map.of(ZmqTraining.TX,
                            List.of(TransmitterBlock.MAX_SKIPS.flag(), "100")))
                            .withExtraArgs(ZmqTraining.curve(dir.resolve("keys"))));
            long batches = 2L * ITERATIONS;
            long at = awaitReceiverBatch(link, batches / 3, 300);
            assertTrue(at >= batches / 3, "the run got to batch " + at + "\n" + h.log);
            fault.inject(h, link);
            link.processes.awaitSuccess(List.of(ZmqTraining.TX, ZmqTraining.RX, ZmqTraining.SAMPLER), 600);
            String took = ThreeHosts.seconds(t0);
            Map<String, Object> rx = ZmqLinkTest.stats(link.processes, ZmqTraining.RX);
            Map<String, Object> tx = ZmqLinkTest.stats(link.processes, ZmqTraining.TX);
            long learned = number(tx, "batches_learned");
            long skipped = number(tx, "batches_skipped");
            long missed = number(rx, "missed_frames");
            long partial = number(rx, "partial_frames");
            long lost = number(rx, "batches_lost");
            BlerPoint b = ZmqLinkTest.bler(ZmqTraining.join(c, link));
            System.out.println(String.format(Locale.ROOT, "fault '%s' cost %d frames (missed %d, cut %d) and %d"
                    + " batches (transmitter skipped %d, receiver reported %d lost); transmitter learned from %d;"
                    + " BLER %.4g (%d/%d) against %.4g embedded; %s", name, missed + partial, missed, partial,
                    skipped, skipped, lost, learned, b.bler(), b.errors(), b.messages(), reference.bler(), took));
            assertTrue(ThreeHostTrainingTest.withinMonteCarlo(b, reference), name + ": BLER " + b + " against "
                    + reference + " embedded\n" + tail(h.log.toString()));
            // no step was taken from samples and losses that did not belong together: every batch
            // learned from had 'sent' samples that were its own messages' (exploration noise at the
            // policy's power, where other messages' give about 19 times it)
            assertEquals(0, number(tx, "inconsistent_sent"), tx.toString());
            double ratio = ((Number) tx.get("exploration_ratio_max")).doubleValue();
            assertTrue(ratio > 0.5 && ratio < 1.5, "largest exploration ratio of a batch learned from: " + ratio);
            if (!restarts) {
                assertEquals(ITERATIONS, learned + skipped, "every transmitter-phase batch learned from or skipped: "
                        + tx);
            }
            return h.log.toString();
        }
    }

    /**
     * Peers 30 s apart at most (a host stops for 20 s); a batch whose losses do not come within 1 s
     * (about a hundred round trips) is given up, and up to 100 in a row may be.
     */
    static final ZmqTraining.LinkOptions OPTIONS = new ZmqTraining.LinkOptions(3, 5, 0, 0, 0, 30, 1, 1);

    static final Fault NOTHING = (h, link) -> { };

    /** A java command line running a main class of the tests on a host. */
    static List<String> java(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static String tail(String log) {
        return log.length() < 6000 ? log : log.substring(log.length() - 6000);
    }

    @Test
    void the_link_between_channel_and_receiver_hosts_goes_down_for_three_seconds(@TempDir Path dir) throws Exception {
        survive("ch-rx link down 3 s", dir, null, NOTHING, (h, link) -> {
            h.hosts.setUp(h.chRx, false);
            Thread.sleep(3000);
            h.hosts.setUp(h.chRx, true);
        });
    }

    @Test
    void the_feedback_link_has_delay_jitter_and_message_loss(@TempDir Path dir) throws Exception {
        // the relay, on the transmitter host, carries the losses all run long
        Path log = dir.resolve("relay.log");
        survive("feedback link: 20 ms delay, 15 ms jitter, 5% of messages lost", dir,
                ThreeHosts.tcp("127.0.0.1", ThreeHosts.RELAY), (h, link) -> h.start(ThreeHosts.TX,
                        java(FaultRelay.class, "127.0.0.1", Integer.toString(ThreeHosts.RELAY), h.rxTx.aAddress(),
                                h.feedbackOut().substring(h.feedbackOut().lastIndexOf(':') + 1), "20", "15", "0.05",
                                "1"), log), (h, link) -> { });
        String relay = ThreeHosts.read(log);
        assertTrue(relay.contains("dropped") && !relay.contains("dropped 0\n"), "the relay dropped messages:\n"
                + relay);
        System.out.println(relay.lines().reduce((a, b) -> b).orElse(""));
    }

    @Test
    void the_receiver_then_the_transmitter_are_killed_and_restarted(@TempDir Path dir) throws Exception {
        survive("receiver, then transmitter, killed and restarted", dir, null, NOTHING, (h, link) -> {
            link.processes.kill(ZmqTraining.RX);
            link.processes.restart(ZmqTraining.RX);
            long at = BlockCheckpointFile.load(link.rxCheckpoint).nextBatch();
            awaitReceiverBatch(link, at + 300, 300);
            link.processes.kill(ZmqTraining.TX);
            link.processes.restart(ZmqTraining.TX);
        }, true);
    }

    @Test
    void a_fourth_host_sends_garbage_truncated_and_replayed_messages_to_every_listening_port(@TempDir Path dir)
            throws Exception {
        Path log = dir.resolve("attacker.log");
        String run = survive("garbage from a fourth host", dir, null, NOTHING, (h, link) -> {
            List<String> args = new ArrayList<>(List.of("20", "30", "5"));
            for (ThreeHosts.Route r : h.routesFromX()) {
                // the loss feedback's output is a CURVE server; its public key is no secret
                args.add(r.address().equals(h.feedbackOut()) ? r.address() + "=" + org.grmodelfree.wire.CurveKeys
                        .publicFile(dir.resolve("keys"), ZmqTraining.FEEDBACK) : r.address());
            }
            Process p = h.start("x", java(Attacker.class, args.toArray(String[]::new)), log);
            // the attacker tries the CURVE server first; the transmitter's host is held until the loss
            // feedback has logged the refusal, so that a busy machine cannot end the run before the
            // attacker's first handshake (the test prints how long it held)
            h.hosts.signal(ThreeHosts.TX, "STOP");
            long held = System.nanoTime();
            try {
                long deadline = held + HOLD_SECONDS * 1_000_000_000L;
                while (!refusedKeyLogged(h.log.toString()) && p.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            } finally {
                h.hosts.signal(ThreeHosts.TX, "CONT");
            }
            System.out.println(String.format(Locale.ROOT, "the transmitter's host was held %.1f s for the"
                    + " attacker's first CURVE handshake", (System.nanoTime() - held) / 1e9));
            assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the attacker ended");
        });
        String attack = ThreeHosts.read(log);
        System.out.print(attack);
        // the loss feedback's output is a CURVE server: the attacker's key is refused, and logged
        assertTrue(refusedKeyLogged(run), "no refusal of the attacker's key logged by the loss feedback:\n"
                + tail(run) + "\nthe attacker's log:\n" + attack);
        assertEquals(3, attack.lines().filter(l -> l.matches("attacker: tcp://.* [1-9][0-9]* frames and messages sent"))
                .count(), attack);
    }

    /**
     * The longest the transmitter's host is held for the attacker's first CURVE handshake: under the
     * peers' 30 s timeout (OPTIONS), which a 20 s stop of a host is shown to survive.
     */
    static final long HOLD_SECONDS = 20;

    /** Whether the loss feedback logged a refused CURVE client key on its output. */
    static boolean refusedKeyLogged(String run) {
        return run.lines().anyMatch(l -> l.startsWith("loss-feedback: refused on 'out'")
                && l.contains("refused a client at"));
    }

    @Test
    void every_process_of_the_receiver_host_stops_for_twenty_seconds(@TempDir Path dir) throws Exception {
        survive("receiver host stopped 20 s", dir, null, NOTHING, (h, link) -> {
            h.hosts.signal(ThreeHosts.RX, "STOP");
            Thread.sleep(20_000);
            h.hosts.signal(ThreeHosts.RX, "CONT");
        });
    }
}
