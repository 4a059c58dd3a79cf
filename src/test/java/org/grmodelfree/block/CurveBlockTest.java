package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grmodelfree.wire.ControlLink;
import org.grmodelfree.wire.ControlMessage;
import org.grmodelfree.wire.ControlMessage.Losses;
import org.grmodelfree.wire.ControlMessage.Stop;
import org.grmodelfree.wire.Curve;
import org.grmodelfree.wire.CurveAuth;
import org.grmodelfree.wire.CurveHandshakeException;
import org.grmodelfree.wire.CurveKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;

/**
 * The loss feedback block (a message input and a message output) run by BlockRunner with CURVE:
 * the receiver's losses reach the transmitter through it, encrypted both ways; a stray client of
 * its output is refused, logged, and gets none of the messages; parameter mistakes are named.
 */
class CurveBlockTest {

    private static final long PATIENCE_MILLIS = 30_000;
    private static final Pattern BINDS = Pattern.compile("output 'out' binds (tcp://127\\.0\\.0\\.1:\\d+) \\(CURVE");

    @TempDir
    Path dir;
    private Path keys;
    /** Who may connect to the receiver's 'losses' (the loss feedback), and to the loss feedback's 'out' (the transmitter). */
    private Path receiverClients;
    private Path feedbackClients;

    @BeforeEach
    void keys() throws IOException {
        keys = dir.resolve("keys");
        CurveKeys.generate(keys, List.of("receiver", "loss-feedback", "transmitter", "stray"), false);
        receiverClients = Files.createDirectory(dir.resolve("receiver-clients"));
        Files.copy(keys.resolve("loss-feedback.key"), receiverClients.resolve("loss-feedback.key"));
        feedbackClients = Files.createDirectory(dir.resolve("loss-feedback-clients"));
        Files.copy(keys.resolve("transmitter.key"), feedbackClients.resolve("transmitter.key"));
    }

    private CurveKeys.Pair pair(String name) {
        return CurveKeys.readSecret(CurveKeys.secretFile(keys, name));
    }

    private Params feedbackParams(String receiverEndpoint, String... more) {
        List<String> args = new ArrayList<>(List.of("--in", receiverEndpoint, "--peer_timeout", "30",
                "--curve_secret", keys.resolve("loss-feedback.key_secret").toString(),
                "--curve_clients", feedbackClients.toString(),
                "--curve_servers", "in=" + keys.resolve("receiver.key")));
        args.addAll(List.of(more));
        return LossFeedbackBlock.SPEC.parse(args);
    }

    private static String awaitEndpoint(ConcurrentLinkedQueue<String> log, Thread runner) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE_MILLIS * 1_000_000L;
        while (System.nanoTime() - deadline < 0 && runner.isAlive()) {
            for (String line : log) {
                Matcher m = BINDS.matcher(line);
                if (m.find()) {
                    return m.group(1);
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the block never bound 'out' with CURVE: " + log);
    }

    @Test
    void lossesCrossTheFeedbackBlockOverCurveAndAStrayClientOfItsOutputGetsNothing() throws Exception {
        try (ZContext context = new ZContext(); CurveAuth receiverAuth = new CurveAuth(context, receiverClients);
                ControlLink receiver = new ControlLink(context, null, true, (int) PATIENCE_MILLIS,
                        ControlLink.DEFAULT_MAX_MESSAGE_BYTES, Curve.server(pair("receiver"), receiverAuth))) {
            Params p = feedbackParams(receiver.endpoint());
            ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
            BlockRunner runner = new BlockRunner(new LossFeedbackBlock(p), p, log::add);
            AtomicReference<Object> end = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    end.set(runner.run());
                } catch (RuntimeException e) {
                    end.set(e);
                }
            }, "loss-feedback");
            t.start();
            String out = awaitEndpoint(log, t);
            byte[] feedbackKey = CurveKeys.readPublic(keys.resolve("loss-feedback.key"));
            try (ControlLink stray = new ControlLink(context, out, false, 100, ControlLink.DEFAULT_MAX_MESSAGE_BYTES,
                    Curve.client(pair("stray"), feedbackKey, "loss-feedback.key"));
                    ControlLink transmitter = new ControlLink(context, out, false, 5000,
                            ControlLink.DEFAULT_MAX_MESSAGE_BYTES,
                            Curve.client(pair("transmitter"), feedbackKey, "loss-feedback.key"))) {
                // the stray is refused and logged before any loss is sent
                long deadline = System.nanoTime() + PATIENCE_MILLIS * 1_000_000L;
                while (log.stream().noneMatch(l -> l.startsWith("refused on 'out'")) && System.nanoTime() - deadline < 0) {
                    Thread.sleep(10);
                }
                String refusal = log.stream().filter(l -> l.startsWith("refused on 'out'")).findFirst().orElse(null);
                assertTrue(refusal != null && refusal.contains("public key " + CurveKeys.z85(pair("stray").publicKey())
                        + " is not in " + feedbackClients) && refusal.endsWith("[1 so far]"), "log: " + log);
                int n = 6;
                for (int i = 0; i < n; i++) {
                    receiver.send(new Losses(i, 1, new float[] {i, 0.5f}));
                }
                receiver.send(new Stop("done"));
                for (int i = 0; i < n; i++) {
                    ControlMessage m = transmitter.receive(PATIENCE_MILLIS);
                    assertEquals(new Losses(i, 1, new float[] {i, 0.5f}), m, "every loss reaches the transmitter,"
                            + " none was dealt to the stray");
                }
                t.join(PATIENCE_MILLIS);
                assertFalse(t.isAlive(), "the block ended after the Stop: " + log);
                assertEquals(Block.Status.DONE, end.get(), "log: " + log);
                assertThrows(CurveHandshakeException.class, stray::poll, "the stray knows it was refused");
                assertNull(transmitter.poll());
            }
            assertTrue(log.stream().anyMatch(l -> l.startsWith("input 'in' connects to " + receiver.endpoint()
                    + " (CURVE")), log.toString());
        }
    }

    @Test
    void aWrongServerKeyEndsTheRunNamingTheServerAndTheKeyFile() throws Exception {
        try (ZContext context = new ZContext(); CurveAuth receiverAuth = new CurveAuth(context, receiverClients);
                ControlLink receiver = new ControlLink(context, null, true, 5000, ControlLink.DEFAULT_MAX_MESSAGE_BYTES,
                        Curve.server(pair("receiver"), receiverAuth))) {
            Path wrong = keys.resolve("stray.key");
            Params p = LossFeedbackBlock.SPEC.parse(List.of("--in", receiver.endpoint(), "--peer_timeout", "30",
                    "--curve_secret", keys.resolve("loss-feedback.key_secret").toString(),
                    "--curve_clients", feedbackClients.toString(), "--curve_servers", "in=" + wrong));
            BlockRunner runner = new BlockRunner(new LossFeedbackBlock(p), p, l -> { });
            CurveHandshakeException e = assertThrows(CurveHandshakeException.class, runner::run);
            assertTrue(e.getMessage().contains("the server at " + receiver.endpoint() + " refused this block's key,"
                    + " or its key is not the one in " + wrong), e.getMessage());
        }
    }

    @Test
    void curveParameterMistakesAreNamedBeforeAnySocketOpens() {
        String in = "tcp://127.0.0.1:1";
        String secret = keys.resolve("loss-feedback.key_secret").toString();
        assertError("input 'in' connects with CURVE and needs the public key of the block it connects to:"
                + " --curve_servers in=FILE", List.of("--in", in, "--curve_secret", secret, "--curve_clients",
                feedbackClients.toString()));
        assertError("output 'out' binds with CURVE and needs --curve_clients DIR", List.of("--in", in,
                "--curve_secret", secret, "--curve_servers", "in=" + keys.resolve("receiver.key")));
        assertError("--curve_servers: 'feedback' is not a message input of this block; its message inputs: [in]",
                List.of("--in", in, "--curve_secret", secret, "--curve_clients", feedbackClients.toString(),
                        "--curve_servers", "feedback=" + keys.resolve("receiver.key")));
        assertError("--curve_secret with --msg_format pdu", List.of("--in", in, "--msg_format", "pdu",
                "--curve_secret", secret));
        assertError("--curve_clients is given without --curve_secret", List.of("--in", in, "--curve_clients",
                feedbackClients.toString()));
        assertError("secret key file " + dir.resolve("none") + " does not exist", List.of("--in", in,
                "--curve_secret", dir.resolve("none").toString()));
        assertError("public key file " + dir.resolve("nokey") + " does not exist", List.of("--in", in,
                "--curve_secret", secret, "--curve_clients", feedbackClients.toString(), "--curve_servers",
                "in=" + dir.resolve("nokey")));
    }

    private static void assertError(String part, List<String> args) {
        Params p = LossFeedbackBlock.SPEC.parse(args);
        BlockRunner runner = new BlockRunner(new LossFeedbackBlock(p), p, l -> { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, runner::run);
        assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
    }

    @Test
    void withoutCurveTheFeedbackBlockRunsPlainAsBefore() throws Exception {
        try (ZContext context = new ZContext(); ControlLink receiver = ControlLink.bind(context, null)) {
            Params p = LossFeedbackBlock.SPEC.parse(List.of("--in", receiver.endpoint(), "--peer_timeout", "30"));
            ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
            BlockRunner runner = new BlockRunner(new LossFeedbackBlock(p), p, log::add);
            Thread t = new Thread(runner::run, "plain");
            t.start();
            String out = null;
            long deadline = System.nanoTime() + PATIENCE_MILLIS * 1_000_000L;
            while (out == null && System.nanoTime() - deadline < 0) {
                out = log.stream().filter(l -> l.startsWith("output 'out' binds ")).map(l -> l.substring(19))
                        .findFirst().orElse(null);
                Thread.sleep(10);
            }
            assertTrue(out != null && out.matches("tcp://127\\.0\\.0\\.1:\\d+"), "plain log line unchanged: " + log);
            try (ControlLink transmitter = ControlLink.connect(context, out)) {
                receiver.send(new Losses(0, 1, new float[] {1f}));
                receiver.send(new Stop("done"));
                assertEquals(new Losses(0, 1, new float[] {1f}), transmitter.receive(PATIENCE_MILLIS));
            }
            t.join(PATIENCE_MILLIS);
            assertFalse(t.isAlive());
        }
    }
}
