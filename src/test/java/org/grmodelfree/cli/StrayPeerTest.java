package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.launch.ZmqTraining;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.wire.ControlCodec;
import org.grmodelfree.wire.ControlMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Issue 17, defect 2: a stray local process connects to the outputs of a run of train --transport
 * zmq. A DEALER on the receiver's 'losses' and on the policy sampler's 'sent', sending forged losses
 * and samples for the coming batches: refused (the message links run over CurveZMQ with keys made for
 * the run), so none is ever learned from. A PULL on the transmitter's 'out' stream takes frames for a
 * while (a plain stream, as GNU Radio's are): the frames it took are missed by the receiver, reported
 * lost and skipped, and the run completes, every batch learned from or skipped. Before, the forged
 * losses (100.0 each) were trained on, and the blocks stopped after 10 s.
 */
class StrayPeerTest {
    @Test
    void a_run_survives_stray_peers_on_its_outputs_and_learns_nothing_from_them(@TempDir Path dir) throws Exception {
        TrainConfig c = ZmqLinkTest.small(1200);
        StringWriter log = new StringWriter();
        ZmqTraining.LinkOptions o = new ZmqTraining.LinkOptions(3, 5, 0, 0, 0, 20, 1, 1);
        long stolen = 0;
        int forged = 0;
        try (ZmqTraining.Link link = ZmqTraining.start(c, dir, o, new PrintWriter(log, true));
                ZContext ctx = new ZContext()) {
            ThreeHostFaultTest.awaitReceiverBatch(link, 200, 300); // under way
            ZmqTraining.Layout l = link.layout;
            ZMQ.Socket pull = ctx.createSocket(SocketType.PULL);
            pull.connect(l.txOut());
            ZMQ.Socket[] dealers = {ctx.createSocket(SocketType.DEALER), ctx.createSocket(SocketType.DEALER)};
            dealers[0].connect(l.receiverLosses());
            dealers[1].connect(l.samplerSent());
            for (ZMQ.Socket d : dealers) {
                d.setSendTimeOut(0);
                d.setLinger(0);
            }
            float[] loud = new float[c.batchTx()];
            java.util.Arrays.fill(loud, 100f);
            pull.setReceiveTimeOut(100);
            long until = System.nanoTime() + 2_000_000_000L;
            long batch = 0;
            while (System.nanoTime() < until) {
                if (pull.recv() != null) {
                    stolen++;
                }
                for (long b = batch; b < batch + 20; b++) {
                    if (dealers[0].send(ControlCodec.encode(new ControlMessage.Losses(b, b / 2, loud)), ZMQ.DONTWAIT)) {
                        forged++;
                    }
                    if (dealers[1].send(ControlCodec.encode(new ControlMessage.Sent(b, b / 2,
                            new float[2 * c.batchTx() * c.symbols()], 0.1)), ZMQ.DONTWAIT)) {
                        forged++;
                    }
                }
                batch += 20;
            }
            ctx.destroySocket(pull);
            link.processes.awaitSuccess(List.of(ZmqTraining.TX, ZmqTraining.RX, ZmqTraining.SAMPLER), 600);
            Map<String, Object> tx = ZmqLinkTest.stats(link.processes, ZmqTraining.TX);
            Map<String, Object> rx = ZmqLinkTest.stats(link.processes, ZmqTraining.RX);
            long learned = ((Number) tx.get("batches_learned")).longValue();
            long skipped = ((Number) tx.get("batches_skipped")).longValue();
            System.out.println(String.format(Locale.ROOT, "stray peers: took %d messages of frames, sent %d forged"
                    + " messages (none accepted); the receiver reported %s batches lost, the transmitter learned"
                    + " from %d and skipped %d", stolen, forged, rx.get("batches_lost"), learned, skipped));
            assertTrue(stolen > 0, "the stray PULL took frames");
            assertEquals(1200, learned + skipped, tx.toString());
            assertTrue(((Number) rx.get("batches_lost")).longValue() > 0, "the frames taken were reported lost: " + rx);
            assertEquals(0L, ((Number) tx.get("inconsistent_sent")).longValue(), tx.toString());
            double lastLoss = ((Number) tx.get("last_tx_loss")).doubleValue();
            assertTrue(lastLoss < 10, "the transmitter's last loss " + lastLoss + " is not a forged 100");
            assertTrue(ZmqLinkTest.bler(ZmqTraining.join(c, link)).bler() < 0.1, "the link trained");
        }
    }
}
