package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.grmodelfree.gnuradio.GnuRadio;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stock GNU Radio reads the PDUs a JVM block sends, and a JVM block reads the PDUs GNU Radio's pmt
 * builds: in a Python flowgraph a message source posts loss and lost PDUs built with {@code pmt} calls to the
 * loss_feedback block (a JVM process behind the bridge), whose 'out' feeds a stock Message Debug.
 * A malformed PDU (losses as an f64vector) on the way is logged by the JVM block, which keeps
 * running and passes the next good one on. GNU Radio is installed as in {@link FlowgraphTest}.
 */
class PduFlowgraphTest {

    @BeforeAll
    static void gnuRadio(@TempDir Path tmp) throws Exception {
        FlowgraphTest.gnuRadio(tmp);
    }

    @Test
    void message_debug_prints_the_losses_a_jvm_block_sends(@TempDir Path tmp) throws Exception {
        Path py = tmp.resolve("pdu.py");
        Files.writeString(py, String.join("\n",
                "import signal, time",
                "import pmt",
                "from gnuradio import gr, blocks",
                "from gnuradio import modelfree",
                "class Post(gr.basic_block):  # a message source the script posts from",
                "    def __init__(self):",
                "        gr.basic_block.__init__(self, 'post', None, None)",
                "        self.message_port_register_out(pmt.intern('out'))",
                "    def post(self, msg):",
                "        self.message_port_pub(pmt.intern('out'), msg)",
                "def about(kind, batch, iteration, data, *more):",
                "    d = pmt.make_dict()",
                "    for k, v in reversed([('type', pmt.intern(kind)), ('version', pmt.from_long(1)),",
                "                          ('batch_id', pmt.from_uint64(batch)), ('iteration', pmt.from_uint64(iteration))]",
                "                         + list(more)):",
                "        d = pmt.dict_add(d, pmt.intern(k), v)",
                "    return pmt.cons(d, data)",
                "tb = gr.top_block()",
                "src = Post()",
                "relay = modelfree.loss_feedback()",
                "dbg = blocks.message_debug()",
                "tb.msg_connect((src, 'out'), (relay, 'in'))",
                "tb.msg_connect((relay, 'out'), (dbg, 'print'))",
                "tb.msg_connect((relay, 'out'), (dbg, 'store'))",
                "signal.signal(signal.SIGINT, lambda *_: tb.stop())",
                "tb.start()",
                "src.post(about('losses', 6, 2, pmt.init_f64vector(2, [0.5, 1.25])))  # the wrong vector type",
                "src.post(about('losses', 1234567, 3, pmt.init_f32vector(3, [0.5, 1.25, 2.0])))",
                "src.post(about('lost', 1234568, 3, pmt.init_u8vector(0, []), ('reason', pmt.intern('frame cut'))))",
                "for _ in range(600):  # the relay's JVM takes a moment to connect; the PUSH socket queues till then",
                "    if dbg.num_messages() >= 2:",
                "        break",
                "    time.sleep(0.1)",
                "time.sleep(0.5)  # anything else the relay sends would arrive now",
                "tb.stop()",
                "tb.wait()",
                "n = dbg.num_messages()",
                "print('stored', n)",
                "if n == 2:",
                "    got = dbg.get_message(0)",
                "    print('metadata', pmt.to_python(pmt.car(got)))",
                "    print('payload', pmt.is_f32vector(pmt.cdr(got)), list(pmt.f32vector_elements(pmt.cdr(got))))",
                "    print('then', pmt.to_python(pmt.car(dbg.get_message(1))), pmt.length(pmt.cdr(dbg.get_message(1))))",
                ""));
        GnuRadio gr = GnuRadio.locate();
        ProcessBuilder pb = new ProcessBuilder(GnuRadio.PYTHON, "-u", py.toString()).redirectErrorStream(true);
        pb.environment().putAll(gr.environment());
        pb.environment().put("MODELFREE_PDU_TEST", tmp.toAbsolutePath().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        // the bad PDU was rejected by the JVM block with a clear line, which then went on
        assertTrue(out.matches("(?s).*loss-feedback: rejected on 'in': PDU message input[^\n]*: control PDU: 'losses'"
                + " payload is a f64vector, expected a f32vector at byte \\d+ \\[1 so far\\]\n.*"), out);
        // exactly the good PDUs came out of the JVM block, and Message Debug printed them
        assertTrue(out.contains("stored 2\n"), out);
        // GNU Radio 3.10's Message Debug prints a PDU's metadata as text and its payload as a hex dump of the
        // vector's bytes in memory: here the three losses as little-endian float32 (0.5, 1.25, 2.0)
        assertTrue(out.contains("***** VERBOSE PDU DEBUG PRINT ******\n"
                + "((type . losses) (version . 1) (batch_id . 1234567) (iteration . 3))\n"
                + "pdu length =         12 bytes\n"
                + "pdu vector contents = \n"
                + "0000: 00 00 00 3f 00 00 a0 3f 00 00 00 40 \n"), out);
        assertTrue(out.contains("metadata {'type': 'losses', 'version': 1, 'batch_id': 1234567, 'iteration': 3}"), out);
        assertTrue(out.contains("payload True [0.5, 1.25, 2.0]"), out);
        assertTrue(out.contains("((type . lost) (version . 1) (batch_id . 1234568) (iteration . 3) (reason . frame cut))\n"
                + "pdu length =          0 bytes\n"), out);
        assertTrue(out.contains("then {'type': 'lost', 'version': 1, 'batch_id': 1234568, 'iteration': 3,"
                + " 'reason': 'frame cut'} 0\n"), out);
        FlowgraphTest.assertNoBlockProcess("MODELFREE_PDU_TEST=" + tmp.toAbsolutePath());
    }
}
