#!/usr/bin/env python3
"""QA of the link blocks (transmitter, policy_sampler, receiver, loss_feedback) as GNU Radio blocks:
their ports against the JVM blocks' declarations (`block all --describe`), parameters reaching the
block process, and a bad parameter's error. Each block starts a small JVM block process; run with
the Python that imports gnuradio (/usr/bin/python3) and PYTHONPATH=<checkout>/python, after the jar is
built (or with MODELFREE_LAUNCHER set)."""

import os
import shutil
import subprocess
import tempfile

import pmt
from gnuradio import gr, gr_unittest, blocks

from gnuradio import modelfree
from gnuradio.modelfree._qa import Post, losses_pdu, stop_processes, wait_for
from gnuradio.modelfree import _jvm

# Stats lines five times a second, so a test sees a block's counters soon (options given here come last: they win).
os.environ["MODELFREE_JAVA_OPTS"] = (os.environ.get("MODELFREE_JAVA_OPTS", "") + " -Dmodelfree.stats.millis=200").strip()

TINY = dict(messages=4, symbols=2, hidden=8, batch_rx=16, batch_tx=16, iterations=2)
SIZES = {"complex": gr.sizeof_gr_complex, "byte": gr.sizeof_char}


class qa_link_blocks(gr_unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="qa_link_blocks")
        # A tiny trained link model for the stream-mode blocks (seconds).
        cmd = _jvm.block_command(os.environ["MODELFREE_JAVA_OPTS"]) + [
            "train", "--iterations", "2", "--messages", "4", "--symbols", "2", "--hidden", "8", "--batch-rx", "16",
            "--batch-tx", "16", "--test-messages", "100", "--max-messages", "100", "--quiet", "--out", cls.tmp]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        cls.model = os.path.join(cls.tmp, "model.msgpack")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.tb = gr.top_block()
        self.made = []

    def tearDown(self):
        stop_processes(self.made)
        self.tb = None

    def make(self, cls, **params):
        b = cls(**params)
        self.made.append(b)
        return b

    def assert_ports(self, b, name, enabled, extra_out=()):
        """b's stream signatures and message ports are the declared ones of `name` in `enabled`, in order."""
        spec = modelfree.describe(name)
        for direction, sig, hier in (("inputs", b.input_signature(), b.message_port_is_hier_in),
                                     ("outputs", b.output_signature(), b.message_port_is_hier_out)):
            ports = [p for p in spec[direction] if p["id"] in enabled]
            streams = [SIZES[p["dtype"]] for p in ports if p["domain"] == "stream"]
            self.assertEqual(streams, list(sig.sizeof_stream_items()) if streams else [], (name, direction))
            self.assertEqual(len(streams), sig.max_streams(), (name, direction))
            for p in spec[direction]:
                if p["domain"] == "message":
                    self.assertTrue(hier(pmt.intern(p["id"])), "%s has no message %s %r" % (name, direction, p["id"]))
            self.assertFalse(hier(pmt.intern("no_such_port")))
        for port in extra_out:
            self.assertTrue(b.message_port_is_hier_out(pmt.intern(port)), "%s has no %r" % (name, port))

    def test_001_train_mode_ports_match_describe(self):
        for cls, name in ((modelfree.transmitter, "transmitter"), (modelfree.policy_sampler, "policy-sampler"),
                          (modelfree.receiver, "receiver"), (modelfree.loss_feedback, "loss-feedback")):
            params = {} if name == "loss-feedback" else dict(TINY, hidden=None) if name == "policy-sampler" else TINY
            b = self.make(cls, **params)
            spec = modelfree.describe(name)
            # ports that a parameter enables (transmitter msg_in, receiver msg_out) are left out by default
            always = {p["id"] for p in spec["inputs"] + spec["outputs"] if "enabled_by" not in p}
            self.assertTrue(always)
            self.assert_ports(b, name, always, extra_out=("bler",) if name == "receiver" else ())
        t = self.made[0]
        self.assertEqual(0, t.input_signature().max_streams(), "transmitter: msg_in without source=stream")
        self.assertEqual([gr.sizeof_gr_complex], list(t.output_signature().sizeof_stream_items()))

    def test_002_a_parameter_enables_a_stream_port(self):
        t = self.make(modelfree.transmitter, mode="stream", source="stream", model=self.model, messages=4, symbols=2)
        self.assertEqual([gr.sizeof_char], list(t.input_signature().sizeof_stream_items()))
        self.assert_ports(t, "transmitter", {"msg_in", "sent", "feedback", "out"})
        self.assertIn("--msg_in", t.process().args)
        r = self.make(modelfree.receiver, mode="stream", output="stream", reference="none", model=self.model,
                      messages=4, symbols=2)
        self.assertEqual([gr.sizeof_char], list(r.output_signature().sizeof_stream_items()))
        self.assert_ports(r, "receiver", {"in", "losses", "msg_out"})
        self.assertIn("--msg_out", r.process().args)

    def test_003_parameters_reach_the_block_process(self):
        fb = self.make(modelfree.loss_feedback, drop=1.0, seed=7)
        args = fb.process().args
        self.assertEqual("1.0", args[args.index("--drop") + 1])
        self.assertEqual("7", args[args.index("--seed") + 1])
        self.assertNotIn("--delay_ms", args, "a parameter not given keeps the block's default")
        # ... and the process uses it: with drop=1 the losses arrive and none goes on.
        src, dbg = Post(), blocks.message_debug()
        self.tb.msg_connect((src, "out"), (fb, "in"))
        self.tb.msg_connect((fb, "out"), (dbg, "store"))
        self.tb.start()
        src.post(losses_pdu(11, [0.5, 1.5]))
        line = wait_for(lambda: next((l for l in fb._ports._tail if "received=1," in l), None))
        self.tb.stop()
        self.tb.wait()
        self.assertIsNotNone(line, "the loss feedback never reported the PDU: %s" % fb._ports._tail)
        self.assertIn("forwarded=0", line)
        self.assertIn("dropped=1", line)
        self.assertEqual(0, dbg.num_messages())

    def test_004_a_run_time_parameter_is_refused_when_fixed(self):
        t = self.make(modelfree.transmitter, **TINY)
        with self.assertRaisesRegex(ValueError, "'hidden' cannot change at run time"):
            t.set_param("hidden", 16)

    def test_005_a_bad_parameter_fails_at_construction_naming_it(self):
        for cls, params, named in ((modelfree.transmitter, dict(sigma2=5), "sigma2"),
                                   (modelfree.receiver, dict(decoder="bogus"), "decoder"),
                                   (modelfree.loss_feedback, dict(drop=-0.5), "drop")):
            with self.assertRaises(RuntimeError) as caught:
                self.make(cls, **params)
            self.assertIn("parameter '%s'" % named, str(caught.exception))
        with self.assertRaisesRegex(RuntimeError, "unknown|no_such"):
            self.make(modelfree.loss_feedback, no_such=1)


if __name__ == "__main__":
    gr_unittest.run(qa_link_blocks)
