#!/usr/bin/env python3
"""QA of the semantic blocks (semantic_agent, semantic_receiver) as GNU Radio blocks: their ports
against the JVM blocks' declarations (`block all --describe`), with the stream ports only in stream
mode, parameters reaching the block process, and a bad parameter's error. Run with the Python that
imports gnuradio (/usr/bin/python3) and PYTHONPATH=<checkout>/python, after the jar is built (or with
MODELFREE_LAUNCHER set)."""


import pmt
from gnuradio import gr, gr_unittest

from gnuradio import modelfree
from gnuradio.modelfree._qa import stop_processes

SMALL = dict(train_images=100, epochs=1, batch=10)


class qa_semantic_blocks(gr_unittest.TestCase):

    def setUp(self):
        self.made = []

    def tearDown(self):
        stop_processes(self.made)

    def make(self, cls, **params):
        b = cls(**params)
        self.made.append(b)
        return b

    def message_ports(self, name, direction):
        return [p["id"] for p in modelfree.describe(name)[direction] if p["domain"] == "message"]

    def test_001_agent_ports(self):
        a = self.make(modelfree.semantic_agent, **SMALL)
        self.assertEqual(0, a.output_signature().max_streams(), "'features' without output=stream")
        self.assertEqual(0, a.input_signature().max_streams())
        self.assertEqual(["feedback"], self.message_ports("semantic-agent", "inputs"))
        self.assertEqual(["out"], self.message_ports("semantic-agent", "outputs"))
        self.assertTrue(a.message_port_is_hier_in(pmt.intern("feedback")))
        self.assertTrue(a.message_port_is_hier_out(pmt.intern("out")))
        self.assertNotIn("--features", a.process().args)
        s = self.make(modelfree.semantic_agent, output="stream", agent=2, **SMALL)
        self.assertEqual([gr.sizeof_gr_complex], list(s.output_signature().sizeof_stream_items()))
        args = s.process().args
        self.assertEqual("2", args[args.index("--agent") + 1])
        self.assertIn("--features", args)

    def test_002_receiver_ports(self):
        r = self.make(modelfree.semantic_receiver, **SMALL)
        self.assertEqual(0, r.input_signature().max_streams(), "'features0..3' without input=stream")
        for port in self.message_ports("semantic-receiver", "inputs"):
            self.assertTrue(r.message_port_is_hier_in(pmt.intern(port)), port)
        for port in self.message_ports("semantic-receiver", "outputs"):
            self.assertTrue(r.message_port_is_hier_out(pmt.intern(port)), port)
        self.assertEqual(4, len(self.message_ports("semantic-receiver", "outputs")))
        s = self.make(modelfree.semantic_receiver, input="stream", **SMALL)
        self.assertEqual([gr.sizeof_gr_complex] * 4, list(s.input_signature().sizeof_stream_items()))
        for port in ("--features0", "--features3"):
            self.assertIn(port, s.process().args)

    def test_003_a_bad_parameter_fails_at_construction_naming_it(self):
        with self.assertRaisesRegex(RuntimeError, "parameter 'agent'"):
            self.make(modelfree.semantic_agent, agent=4, **SMALL)
        with self.assertRaisesRegex(RuntimeError, "parameter 'dataset'"):
            self.make(modelfree.semantic_receiver, dataset="cifar", **SMALL)


if __name__ == "__main__":
    gr_unittest.run(qa_semantic_blocks)
