#!/usr/bin/env python3
"""QA of the bridge's block processes: a block's JVM process exists once the block is built, holds
until the flowgraph starts, and ends with stop_process() or with the flowgraph's Python process (even
when that is killed); attach mode talks to a block process started elsewhere. Run with the Python that
imports gnuradio (/usr/bin/python3) and PYTHONPATH=<checkout>/python, after the jar is built (or with
MODELFREE_LAUNCHER set)."""

import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pmt
from gnuradio import gr, gr_unittest, blocks

from gnuradio import modelfree
from gnuradio.modelfree._qa import Post, alive, losses_pdu, wait_for
from gnuradio.modelfree import _jvm

# Stats lines five times a second: a released block shows it is working soon (options given here come last: they win).
os.environ["MODELFREE_JAVA_OPTS"] = (os.environ.get("MODELFREE_JAVA_OPTS", "") + " -Dmodelfree.stats.millis=200").strip()


class qa_jvm_process(gr_unittest.TestCase):

    def setUp(self):
        self.tb = gr.top_block()
        self.cleanup = []

    def tearDown(self):
        for c in self.cleanup:
            c()
        self.tb = None

    def stats_lines(self, b):
        return [l for l in b._ports._tail if " stats {" in l or l.startswith("stats {")]

    def test_001_held_until_start_then_stop_process_ends_it(self):
        fb = modelfree.loss_feedback()
        self.cleanup.append(fb.stop_process)
        p = fb.process()
        self.assertIsNotNone(p, "no block process after construction")
        self.assertIsNone(p.poll(), "the block process ended before the flowgraph started")
        self.assertIn("--hold-until-start", p.args)
        self.assertTrue(wait_for(lambda: any("waiting for the start" in l for l in fb._ports._tail)),
                        "the block process did not report that it holds: %s" % fb._ports._tail)
        time.sleep(1.0)  # held: no work, so none of the stats lines a working block prints every 0.2 s
        self.assertEqual([], self.stats_lines(fb))
        src = Post()
        self.tb.msg_connect((src, "out"), (fb, "in"))
        self.tb.start()
        self.assertTrue(wait_for(lambda: self.stats_lines(fb)), "the block process did not start working")
        self.assertIsNone(p.poll())
        fb.stop_process()
        self.assertIsNotNone(p.poll(), "stop_process() left the block process running")
        self.assertFalse(alive(p.pid))
        self.tb.stop()
        self.tb.wait()

    def run_script(self, body, kill=False):
        """Runs a flowgraph script in a Python process of its own (this environment) that prints its block
        process's pid; returns that pid and the script's exit status (after SIGKILL when kill)."""
        script = textwrap.dedent("""\
            import sys, time
            from gnuradio import gr
            from gnuradio import modelfree
            tb = gr.top_block()
            fb = modelfree.loss_feedback()
            print("pid", fb.process().pid, flush=True)
            """) + textwrap.dedent(body)
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        self.cleanup.append(lambda: child.poll() is None and child.kill())
        line = child.stdout.readline()
        m = re.match(r"pid (\d+)", line)
        self.assertIsNotNone(m, "the script printed %r" % line)
        pid = int(m.group(1))
        self.assertTrue(alive(pid))
        if kill:
            child.kill()
        rc = child.wait()
        child.stdout.close()
        return pid, rc

    def test_002_the_process_ends_with_the_flowgraph(self):
        pid, rc = self.run_script("""\
            tb.start()
            time.sleep(0.5)
            tb.stop()
            tb.wait()
            """)
        self.assertEqual(0, rc)
        self.assertTrue(wait_for(lambda: not alive(pid)), "the block process outlived its flowgraph")

    def test_003_the_process_ends_when_the_flowgraph_is_killed(self):
        pid, rc = self.run_script("""\
            tb.start()
            sys.stdout.write("started\\n")
            time.sleep(600)
            """, kill=True)
        self.assertEqual(-signal.SIGKILL, rc)
        self.assertTrue(wait_for(lambda: not alive(pid)), "the block process outlived its killed flowgraph")

    def test_004_attach_to_a_block_process_started_elsewhere(self):
        with socket.socket() as s:  # a free port for the bridge's sink of 'in', which binds it
            s.bind(("127.0.0.1", 0))
            in_port = s.getsockname()[1]
        cmd = _jvm.block_command(os.environ["MODELFREE_JAVA_OPTS"]) + [
            "block", "loss-feedback", "--exit-with-parent", "--msg_format", "pdu", "--delay_ms", "0",
            "--in", "tcp://127.0.0.1:%d" % in_port, "--out", "tcp://127.0.0.1:0"]
        jvm = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

        def end():
            jvm.stdin.close()  # --exit-with-parent: ends it
            try:
                jvm.wait(timeout=60)
            except subprocess.TimeoutExpired:
                jvm.kill()
                jvm.wait()
            jvm.stderr.close()
        self.cleanup.append(end)
        out = None
        for line in jvm.stderr:  # its outputs' endpoints, as the bridge reads them
            m = re.search(r"output 'out' binds (tcp://\S+)", line)
            if m:
                out = m.group(1)
                break
        self.assertIsNotNone(out, "the block process reported no endpoint for 'out'")
        fb = modelfree.loss_feedback(attach="in=tcp://127.0.0.1:%d, out=%s" % (in_port, out))
        self.assertIsNone(fb.process(), "attach mode started a block process")
        src, dbg = Post(), blocks.message_debug()
        self.tb.msg_connect((src, "out"), (fb, "in"))
        self.tb.msg_connect((fb, "out"), (dbg, "store"))
        self.tb.start()
        # The PUSH sink queues until the block process has connected; post again until one is through.
        for _ in range(100):
            src.post(losses_pdu(7, [0.25, 2.0]))
            if wait_for(lambda: dbg.num_messages() >= 1, tries=10):
                break
        self.tb.stop()
        self.tb.wait()
        self.assertGreaterEqual(dbg.num_messages(), 1, "no PDU came through the attached block process")
        got = dbg.get_message(0)
        self.assertEqual(7, pmt.to_python(pmt.dict_ref(pmt.car(got), pmt.intern("batch_id"), pmt.PMT_NIL)))
        self.assertEqual([0.25, 2.0], list(pmt.f32vector_elements(pmt.cdr(got))))
        self.assertIsNone(jvm.poll(), "the attached block process ended with the flowgraph it did not belong to")

    def test_005_attach_names_every_port_with_its_address(self):
        with self.assertRaisesRegex(ValueError, "attach must name every port"):
            modelfree.loss_feedback(attach="out=tcp://127.0.0.1:1")
        with self.assertRaisesRegex(ValueError, "'bogus'"):
            modelfree.loss_feedback(attach="in=tcp://127.0.0.1:*,bogus=tcp://127.0.0.1:2")
        with self.assertRaisesRegex(ValueError, "not port=address"):
            modelfree.loss_feedback(attach="in")


if __name__ == "__main__":
    gr_unittest.run(qa_jvm_process)
