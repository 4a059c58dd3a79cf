package org.grmodelfree.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.grmodelfree.gnuradio.GnuRadio;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ControlPdu} against GNU Radio's own PMT library: for one message of every type, GNU
 * Radio's {@code pmt.serialize_str} of the PDU built with {@code pmt} calls is byte for byte what
 * the Java encoder writes, the Java decoder reads GNU Radio's bytes, and {@code pmt.deserialize_str}
 * reads the Java bytes back to a PMT {@code pmt.equal} to GNU Radio's own (same PMT types, same
 * values). GNU Radio is installed from Debian's packages when missing and the test runs as root,
 * as in FlowgraphTest; the test is skipped, saying why, only if {@code /usr/bin/python3} still
 * cannot import pmt.
 */
class ControlPduGnuRadioTest {

    /** The PDUs of {@link ControlPduTest#examples()}, in order, built with GNU Radio's pmt module. */
    private static final String EXAMPLES = String.join("\n",
            "import sys, pmt",
            "S, I, U = pmt.intern, pmt.from_long, pmt.from_uint64",
            "NONE = pmt.init_u8vector(0, [])",
            "def pdu(items, data):",
            "    d = pmt.make_dict()",
            "    for k, v in reversed(items):  # dict_add puts a new key first",
            "        d = pmt.dict_add(d, S(k), v)",
            "    return pmt.cons(d, data)",
            "def about(t, batch, iteration):",
            "    return [('type', S(t)), ('version', I(1)), ('batch_id', U(batch)), ('iteration', U(iteration))]",
            "pdus = [",
            "    pdu([('type', S('hello')), ('version', I(1)), ('block', S('receiver')), ('protocol', I(1))], NONE),",
            "    pdu(about('phase', 7, 3) + [('phase', S('transmitter')), ('size', I(64))], NONE),",
            "    pdu(about('losses', 7, 3), pmt.init_f32vector(2, [0.5, 1.25])),",
            "    pdu(about('losses', 0, 0), pmt.init_f32vector(0, [])),",
            "    pdu(about('sent', 7, 3), pmt.init_c32vector(2, [complex(1, 2), complex(-0.0, -0.5)])),",
            "    pdu(about('sent', 8, 3) + [('sigma2', pmt.from_double(0.05))],"
                    + " pmt.init_c32vector(1, [complex(0.25, -1)])),",
            "    pdu(about('lost', 9, 4) + [('reason', S('frame 2 of 3 missing'))], NONE),",
            "    pdu(about('lost', 9, 4) + [('reason', S(''))], NONE),",
            "    pdu([('type', S('stop')), ('version', I(1)), ('reason', S('done \u00b5'))], NONE),",
            "]",
            "for p in pdus:",
            "    print('gnuradio', pmt.serialize_str(p).hex())",
            "for i, line in enumerate(sys.stdin):",
            "    p = pmt.deserialize_str(bytes.fromhex(line.strip()))",
            "    print('java', i, pmt.equal(p, pdus[i]), pmt.to_python(pmt.car(p)), pmt.to_python(pmt.cdr(p)).tolist())",
            "");

    @BeforeAll
    static void gnuRadioPmt() throws Exception {
        if (run(GnuRadio.PYTHON, "-c", "import pmt") != 0 && isRoot()) {
            run("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive " + GnuRadio.INSTALL + " -qq");
        }
        Assumptions.assumeTrue(run(GnuRadio.PYTHON, "-c", "import pmt") == 0,
                "skipped: " + GnuRadio.PYTHON + " cannot import GNU Radio's pmt module; install GNU Radio with: sudo "
                        + GnuRadio.INSTALL);
    }

    private static boolean isRoot() throws IOException {
        return new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).trim().equals("0");
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    @Test
    void javaAndGnuRadioWriteAndReadTheSameBytes() throws Exception {
        List<ControlMessage> examples = ControlPduTest.examples();
        Process p = new ProcessBuilder(GnuRadio.PYTHON, "-c", EXAMPLES).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            for (ControlMessage m : examples) {
                in.write((HexFormat.of().formatHex(ControlPdu.encode(m)) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        List<String> fromGnuRadio = new ArrayList<>();
        List<String> readByGnuRadio = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("gnuradio ")) {
                fromGnuRadio.add(line.substring(9));
            } else if (line.startsWith("java ")) {
                readByGnuRadio.add(line.substring(5));
            }
        }
        assertEquals(examples.size(), fromGnuRadio.size(), out);
        assertEquals(examples.size(), readByGnuRadio.size(), out);
        for (int i = 0; i < examples.size(); i++) {
            ControlMessage m = examples.get(i);
            byte[] gnuRadio = HexFormat.of().parseHex(fromGnuRadio.get(i));
            // GNU Radio's bytes are the Java encoder's, and the Java decoder reads them
            assertArrayEquals(gnuRadio, ControlPdu.encode(m), m + ": GNU Radio wrote " + fromGnuRadio.get(i));
            assertEquals(m, ControlPdu.decode(gnuRadio), m.toString());
            // GNU Radio reads the Java bytes to a PMT equal to its own: same types, same values
            assertTrue(readByGnuRadio.get(i).startsWith(i + " True "), m + ": " + readByGnuRadio.get(i));
        }
        assertEquals("2 True {'type': 'losses', 'version': 1, 'batch_id': 7, 'iteration': 3} [0.5, 1.25]",
                readByGnuRadio.get(2));
        assertEquals("5 True {'type': 'sent', 'version': 1, 'batch_id': 8, 'iteration': 3, 'sigma2': 0.05}"
                + " [(0.25-1j)]", readByGnuRadio.get(5));
    }
}
