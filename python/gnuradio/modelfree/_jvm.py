"""The JVM side of a gr-modelfree block: start (or attach to) one block process (`java -jar
gr-modelfree.jar block NAME`, what `./modelfree block NAME` runs) and put GNU Radio ZeroMQ blocks on
its ports. Building a flowgraph never builds anything: the jar must be there (see `block_command`).

Socket roles follow gr-zeromq 3.10.5 and the JVM runner: a JVM output binds (PUSH) a free loopback
port (port 0: the JVM picks it and reports it on its standard error, as `output 'ID' binds ENDPOINT`)
and a GNU Radio source connects to it; a JVM input connects (PULL) to a GNU Radio sink that binds a
free loopback port. A block waits for its JVM until that JVM has bound its outputs (no port is picked
here and bound later by another process, which another process could take in between). The JVM
then holds (--hold-until-start) until the flowgraph starts, so no timeout of a block runs while the
script is still building the flowgraph; a block process that fails stops the flowgraph. Stream ports carry raw complex64 or raw bytes (each
port's dtype in `describe`); message ports carry the blocks' control messages as PDUs
(the JVM runs with --msg_format pdu), so they are ordinary GNU Radio message ports.
"""

import atexit
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

import pmt
from gnuradio import gr, zeromq

_HERE = os.path.dirname(os.path.abspath(__file__))
_TIMEOUT_MS = 10
# A stream source (pull_source) is a GNU Radio source whose work() returns 0 when nothing arrived
# within _TIMEOUT_MS; GNU Radio 3.10 then parks its thread for blkd_input_timer_value (250 ms by
# default), and nothing upstream can wake it: a frame arriving meanwhile waited up to 250 ms per
# hop, once per training iteration. Timer 0 makes the thread poll again at once (the wait is in
# zmq_poll, which returns when a message arrives).
_SOURCE_BLOCKED_TIMER_MS = 0
# ZeroMQ messages the bridge's stream sockets queue each way, as the JVM's stream sockets do
# (StreamIn.HIGH_WATER_MARK): ZeroMQ's default of 1000 let a stream transmitter run thousands of frames
# ahead of Radio TX, which takes them at the radio's rate, and then blocked it for longer than its peer
# timeout (a reader wakes a blocked writer only after reading about half the high-water mark).
_STREAM_HWM = 16
# pull_source's output buffer, in items. A message that does not fit in the free space is kept and
# its rest goes out on the next call, which then waits _TIMEOUT_MS for more before returning it:
# 10 ms at the end of every burst longer than GNU Radio's default 8192-item buffer (a training
# iteration at B=1000, N=4 is two frames, 9000 items). Room for several iterations avoids that.
_SOURCE_BUFFER_ITEMS = 1 << 16
# JVM options per block, as `./modelfree train --transport zmq` starts the same processes
# (launch/ZmqTraining): one compute thread everywhere but the receiver, whose training step is the
# longest stage; its workers spin only briefly, leaving the cores to the other processes.
_JVM_OPTIONS = {"receiver": "-Dmodelfree.spins=2000"}
_JVM_OPTIONS_DEFAULT = "-Dmodelfree.threads=1"
# A block with stats ports (see JvmPorts) prints its stats once a second; the bridge passes one line
# in _STATS_SHOWN_EVERY_S on to the flowgraph's log and publishes every one.
_STATS_MILLIS = 1000
_STATS_SHOWN_EVERY_S = 10.0
_STATS_LINE = re.compile(r"\bstats \{(.*)\}\s*$")
# What the JVM runner logs for each output it has bound (block/BlockRunner), with the real port.
_BOUND_LINE = re.compile(r"\boutput '([^']+)' binds (tcp://\S+)\s*$")
# How long a block waits for its JVM to bind its outputs: the JVM's start, and the block's own
# set-up before its ports (loading a model, building a decoder). MODELFREE_BIND_WAIT_S overrides it.
_BIND_WAIT_S = float(os.environ.get("MODELFREE_BIND_WAIT_S", "600"))

_specs = {}
_live = []
_live_lock = threading.Lock()
_stopping = threading.Event()
_flowgraph_started = threading.Event()
# Seconds GNU Radio gets to stop the flowgraph after the stop request. Its teardown was once seen
# to hang in a CI run after every block had finished; then the process ends itself (see
# _end_if_stuck) instead of running on without end. MODELFREE_STOP_GRACE_S overrides it.
_STOP_GRACE_S = float(os.environ.get("MODELFREE_STOP_GRACE_S", "30"))
_names_used = {}


# The JVM options of the `modelfree` launcher script: the numeric kernels use the incubating Vector API.
_JAVA_OPTIONS = ["--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true"]
# The line the Vector API's module prints at start-up (the launcher script drops it too).
_INCUBATOR_WARNING = "WARNING: Using incubator modules"

try:  # written by `cmake --install` (python/gnuradio/modelfree/_paths.py.in): where the installed jar is
    from . import _paths
except ImportError:  # a checkout: python/gnuradio/modelfree, with the jar in target/
    _paths = None


def _jar():
    """The jar and the one command that builds it: MODELFREE_JAR, else the one installed with this package,
    else the checkout's target/gr-modelfree.jar."""
    if os.environ.get("MODELFREE_JAR"):
        return os.environ["MODELFREE_JAR"], "unset MODELFREE_JAR, or build the jar it names"
    if _paths is not None:
        return _paths.JAR, _paths.BUILD_COMMAND
    checkout = os.path.dirname(os.path.dirname(os.path.dirname(_HERE)))
    return os.path.join(checkout, "target", "gr-modelfree.jar"), os.path.join(checkout, "modelfree") + " build"


def _java():
    """JAVA_HOME's java, else the one on PATH, else the one found at install."""
    if os.environ.get("JAVA_HOME"):
        return os.path.join(os.environ["JAVA_HOME"], "bin", "java")
    return shutil.which("java") or (_paths.JAVA if _paths is not None and getattr(_paths, "JAVA", "") else "java")


def block_command(java_options=""):
    """The command that runs a block process, up to its arguments: MODELFREE_LAUNCHER when set (a command
    that takes `block NAME ...` and MODELFREE_JAVA_OPTS from the environment, e.g. one running the classes
    under test; a checkout's ./modelfree would build a stale jar first), else java on the built jar with
    the launcher's JVM options and java_options. Never builds: a missing jar is an error at once, naming
    the command that builds it."""
    launcher = os.environ.get("MODELFREE_LAUNCHER")
    if launcher:
        if not os.access(launcher, os.X_OK):
            raise RuntimeError("gr-modelfree: MODELFREE_LAUNCHER=%s is not an executable file" % launcher)
        return [launcher]
    jar, build = _jar()
    if not os.path.isfile(jar):
        raise RuntimeError("gr-modelfree: the blocks' jar %s is not built; build it with: %s" % (jar, build))
    return [_java()] + _JAVA_OPTIONS + shlex.split(java_options) + ["-jar", jar]


def describe(name):
    """The block's declared ports and parameters (`./modelfree block all --describe`, read once)."""
    if not _specs:
        cmd = block_command(os.environ.get("MODELFREE_JAVA_OPTS", "")) + ["block", "all", "--describe"]
        try:
            out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False, text=True)
        except OSError as e:
            raise RuntimeError("gr-modelfree: cannot run %s: %s (install a Java 17 runtime, or set JAVA_HOME)"
                               % (cmd[0], e))
        if out.returncode != 0:
            raise RuntimeError("gr-modelfree: cannot describe the blocks: %s" % out.stderr.strip())
        for spec in json.loads(out.stdout):
            _specs[spec["name"]] = spec
    if name not in _specs:
        raise ValueError("gr-modelfree: no block %r; there are %s" % (name, sorted(_specs)))
    return _specs[name]


_ITEM_SIZES = {"complex": gr.sizeof_gr_complex, "byte": gr.sizeof_char}


def item_size(port):
    """The item size of a stream port, from its dtype in `describe`."""
    if port.get("dtype") not in _ITEM_SIZES:
        raise ValueError("gr-modelfree: stream port %r carries %r items; the bridge carries %s"
                         % (port["id"], port.get("dtype"), sorted(_ITEM_SIZES)))
    return _ITEM_SIZES[port["dtype"]]


def _arg(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse_attach(attach):
    ports = {}
    for item in filter(None, (s.strip() for s in attach.split(","))):
        if "=" not in item:
            raise ValueError("gr-modelfree: attach entry %r is not port=address" % item)
        port, address = item.split("=", 1)
        ports[port.strip()] = address.strip()
    return ports


def _run_dir():
    d = os.environ.get("MODELFREE_RUN_DIR")
    if d:
        os.makedirs(d, exist_ok=True)
    return d


def _instance_name(name):
    n = _names_used.get(name, 0) + 1
    _names_used[name] = n
    return name if n == 1 else "%s-%d" % (name, n)


class StatsSource(gr.basic_block):
    """Publishes values of a JVM block's stats line on message ports: for each port id, a pair
    (port id . value) with the value of one stats key, whenever a line carries that key as a number."""

    def __init__(self, ports):
        gr.basic_block.__init__(self, name="modelfree_stats", in_sig=None, out_sig=None)
        self.ports = dict(ports)
        for port in self.ports:
            self.message_port_register_out(pmt.intern(port))

    def publish(self, stats):
        """stats: the text inside a stats line's braces, `key=value, key=value`."""
        values = dict(item.split("=", 1) for item in (s.strip() for s in stats.split(",")) if "=" in item)
        for port, key in self.ports.items():
            try:
                value = float(values[key])
            except (KeyError, ValueError):
                continue
            self.message_port_pub(pmt.intern(port), pmt.cons(pmt.intern(port), pmt.from_double(value)))


class JvmPorts(object):
    """Starts the JVM block (unless attached) and builds the ZeroMQ blocks of its ports inside
    `hier`, a gr.hier_block2 whose own ports have the JVM ports' ids in declaration order, then the
    bridge's stats ports (`stats_ports`: port id -> stats key, published once a second). Only the
    ports in `enabled` (default: all) are built; an optional input left out gets no address, so the JVM
    block leaves it unconnected."""

    def __init__(self, hier, name, params, attach="", finite=False, stats_ports=None, enabled=None):
        self.name = name
        self.stats = None
        self._stats_ports = dict(stats_ports or {})
        self._stats_shown = 0.0
        self._stdin_lock = threading.Lock()
        self.spec = describe(name)
        self.finite = finite
        self.process = None
        self._stop_requested = False  # stop() ended it: its exit status is no failure
        self.instance = _instance_name(name)
        self._tail = []
        self._bound = {}
        self._outputs_bound = threading.Event()
        self._expected_outputs = set()
        attached = _parse_attach(attach or "")
        inputs = [p for p in self.spec["inputs"] if enabled is None or p["id"] in enabled]
        outputs = [p for p in self.spec["outputs"] if enabled is None or p["id"] in enabled]
        known = {p["id"] for p in inputs + outputs}
        for port in attached:
            if port not in known:
                raise ValueError("gr-modelfree %s: attach names port %r; the block's ports are %s"
                                 % (name, port, sorted(known)))
        params = dict(params)
        run_dir = _run_dir()
        if run_dir and "checkpoint" in {q["id"] for q in self.spec["parameters"]} and not params.get("checkpoint") \
                and params.get("mode", "train") == "train":
            # Under `./modelfree flowgraph`, the learning blocks checkpoint where the command joins them.
            params["checkpoint"] = os.path.join(run_dir, self.instance + ".ckpt")
        args = []
        for key, value in params.items():
            if value is not None:
                args += ["--" + key, _arg(value)]
        # The bridge owns the wire: PDUs on message ports, raw items (no tag header) on streams.
        # (a block without message ports has no msg_format)
        declared = {q["id"] for q in self.spec["parameters"]}
        args += (["--msg_format", "pdu"] if "msg_format" in declared else []) + ["--pass_tags", "false"]
        # Inputs first: the GNU Radio sink binds, the JVM connects to the endpoint it got.
        stream_in = 0
        for p in inputs:
            if p["domain"] == "stream":
                sink = zeromq.push_sink(item_size(p), 1, attached.get(p["id"], "tcp://127.0.0.1:*"),
                                        _TIMEOUT_MS, False, _STREAM_HWM)
                hier.connect((hier, stream_in), sink)
                stream_in += 1
            else:
                sink = zeromq.push_msg_sink(attached.get(p["id"], "tcp://127.0.0.1:*"), _TIMEOUT_MS, True)
                hier.message_port_register_hier_in(p["id"])
                hier.msg_connect((hier, p["id"]), (sink, "in"))
            args += ["--" + p["id"], sink.last_endpoint()]
            setattr(self, "_keep_" + p["id"], sink)
        endpoints = dict(attached)
        if len(attached) < len(known):
            if attached:
                raise ValueError("gr-modelfree %s: attach must name every port (%s) or none"
                                 % (name, ", ".join(sorted(known))))
            for p in outputs:
                args += ["--" + p["id"], "tcp://127.0.0.1:0"]
            self._expected_outputs = {p["id"] for p in outputs}
            self._start(args)
            endpoints.update(self._await_outputs())
        stream_out = 0
        for p in outputs:
            if p["domain"] == "stream":
                src = zeromq.pull_source(item_size(p), 1, endpoints[p["id"]], _TIMEOUT_MS, False, _STREAM_HWM)
                src.set_blkd_input_timer_value(_SOURCE_BLOCKED_TIMER_MS)
                src.set_log_level("warn")  # set_min_output_buffer logs each call at info level
                src.set_min_output_buffer(_SOURCE_BUFFER_ITEMS)
                hier.connect(src, (hier, stream_out))
                stream_out += 1
            else:
                src = zeromq.pull_msg_source(endpoints[p["id"]], _TIMEOUT_MS, False)
                hier.message_port_register_hier_out(p["id"])
                hier.msg_connect((src, "out"), (hier, p["id"]))
            setattr(self, "_keep_" + p["id"], src)
        if stats_ports:
            self.stats = StatsSource(stats_ports)
            for port in stats_ports:
                hier.message_port_register_hier_out(port)
                hier.msg_connect((self.stats, port), (hier, port))

    def _start(self, args):
        env = dict(os.environ)
        # Options already in MODELFREE_JAVA_OPTS come last, so they win.
        stats = "-Dmodelfree.stats.millis=%d" % _STATS_MILLIS if self._stats_ports else ""
        env["MODELFREE_JAVA_OPTS"] = " ".join(filter(None, [_JVM_OPTIONS.get(self.name, _JVM_OPTIONS_DEFAULT), stats,
                                                           os.environ.get("MODELFREE_JAVA_OPTS", "")]))
        cmd = block_command(env["MODELFREE_JAVA_OPTS"]) + ["block", self.name, "--exit-with-parent",
                                                           "--hold-until-start"] + args
        self.process = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, bufsize=1)
        with _live_lock:
            _live.append(self)
        self._pump_thread = threading.Thread(target=self._pump, name="modelfree-" + self.name, daemon=True)
        self._pump_thread.start()
        if _flowgraph_started.is_set():
            self._release()  # a block added to a running flowgraph

    def _await_outputs(self):
        """The endpoints the JVM bound for its outputs (port id -> endpoint), once it has bound them all."""
        if self._expected_outputs and not self._outputs_bound.wait(_BIND_WAIT_S):
            self.stop()
            raise RuntimeError("gr-modelfree %s: the block process bound none of %s within %.0f s; its last lines:\n%s"
                               % (self.name, sorted(self._expected_outputs - set(self._bound)), _BIND_WAIT_S,
                                  "".join(self._tail[-20:])))
        missing = self._expected_outputs - set(self._bound)
        if missing:
            raise RuntimeError("gr-modelfree %s: the block process ended before binding %s; its last lines:\n%s"
                               % (self.name, sorted(missing), "".join(self._tail[-20:])))
        return {port: self._bound[port] for port in self._expected_outputs}

    def _keep(self, line):
        if line.startswith(_INCUBATOR_WARNING):
            return
        bound = _BOUND_LINE.search(line)
        if bound and bound.group(1) in self._expected_outputs and not self._outputs_bound.is_set():
            self._bound[bound.group(1)] = bound.group(2)
            if self._expected_outputs <= set(self._bound):
                self._outputs_bound.set()
        m = _STATS_LINE.search(line) if self._stats_ports else None
        if m:
            if self.stats is not None:
                self.stats.publish(m.group(1))
            now = time.monotonic()
            if now - self._stats_shown < _STATS_SHOWN_EVERY_S:
                return
            self._stats_shown = now
        self._tail.append(line)
        del self._tail[:-50]
        sys.stderr.write(line if line.startswith(self.name) else "%s: %s" % (self.name, line))
        sys.stderr.flush()

    def _pump(self):
        for line in self.process.stderr:
            self._keep(line)
        self._outputs_bound.set()  # ended: whoever waits for the outputs finds out what is missing
        result = self.process.stdout.read().strip().splitlines()
        rc = self.process.wait()
        self._finished(rc, result[-1] if result else "")

    def _finished(self, rc, result):
        run_dir = _run_dir()
        if run_dir:
            # atomically: whoever reads the run's reports sees a whole one or none
            final = os.path.join(run_dir, self.instance + ".json")
            with open(final + ".tmp", "w") as f:
                json.dump({"block": self.name, "exit": rc, "result": json.loads(result) if result.startswith("{") else
                           result, "stderr_tail": self._tail[-20:]}, f, indent=1)
            os.replace(final + ".tmp", final)
        if _stopping.is_set() or self._stop_requested:
            return  # ended because the flowgraph is stopping, or stop() ended it
        if not self._expected_outputs <= set(self._bound):
            return  # ended before binding its outputs: the block's construction raised that error
        if rc != 0:
            sys.stderr.write("gr-modelfree %s: the block process failed (exit %s); stopping the flowgraph\n"
                             % (self.name, rc))
            _stop_flowgraph()
        elif self.finite:
            _stop_if_every_finite_block_finished()

    def set_param(self, key, value):
        """Sends `set KEY VALUE` to the JVM block's standard input (its run-time parameter channel)."""
        if self.process is None:
            sys.stderr.write("gr-modelfree %s: attached to a block process started elsewhere; cannot set %s there\n"
                             % (self.name, key))
            return
        self._tell("set %s %s" % (key, _arg(value)))

    def _release(self):
        """Lets the held block process start working (the flowgraph has started)."""
        self._tell("start")

    def _tell(self, line):
        p = self.process
        if p is None or p.poll() is not None:
            return  # attached, or already ended
        try:
            with self._stdin_lock:
                p.stdin.write(line + "\n")
                p.stdin.flush()
        except (OSError, ValueError):
            pass  # the process is ending

    def stop(self):
        """Ends the JVM process (closing its standard input ends it; then SIGTERM, then SIGKILL), and
        waits until its report is written."""
        p = self.process
        if p is None:
            return
        if p.poll() is None:
            self._end(p)
        # The report is written by the pump thread once the process has ended; the script may exit
        # right after this (atexit), which would cut a daemon thread's write short.
        t = self._pump_thread
        if t is not threading.current_thread():
            t.join(10)

    def _end(self, p):
        self._stop_requested = True
        try:
            p.stdin.close()
        except OSError:
            pass
        try:
            p.wait(timeout=2)
        except subprocess.TimeoutExpired:
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()


def _stop_if_every_finite_block_finished():
    """Stops the flowgraph once every finite block's process has finished. Judged only once the
    flowgraph has started, when every block of the script exists (the blocks are held until then,
    so none of those started here can finish earlier)."""
    _flowgraph_started.wait()
    with _live_lock:
        done = all(b.process.poll() is not None for b in _live if b.finite)
    if done and not _stopping.is_set():
        sys.stderr.write("gr-modelfree: every finite block has finished; stopping the flowgraph\n")
        _stop_flowgraph()


def _release_blocks_on_start():
    """Starts the block processes when the flowgraph starts. Each block process is started while the
    script builds the flowgraph, sets up its ports (the bridge waits for its outputs' endpoints) and
    then waits for a line 'start' (--hold-until-start): building a flowgraph of several blocks takes
    a JVM start per block, and none of a block's timeouts (a peer's silence, a batch's feedback) may
    run meanwhile. gr.top_block.start, which run() calls too, is wrapped once to send it."""
    original = gr.top_block.start
    if getattr(original, "_modelfree_releases_blocks", False):
        return

    def start(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        _flowgraph_started.set()
        with _live_lock:
            blocks = list(_live)
        for b in blocks:
            b._release()
        return result

    start._modelfree_releases_blocks = True
    gr.top_block.start = start


_release_blocks_on_start()


def _stop_flowgraph():
    """Asks the flowgraph script to stop as Ctrl-C would (GRC's generated scripts stop on SIGINT), once."""
    if not _stopping.is_set():
        _stopping.set()
        threading.Thread(target=_end_if_stuck, name="modelfree-stop-watchdog", daemon=True).start()
        os.kill(os.getpid(), signal.SIGINT)


def _end_if_stuck():
    """Ends the process if the flowgraph has not stopped _STOP_GRACE_S after the stop request: the
    blocks have finished and written their results, so only GNU Radio's teardown is left. The exit
    status is the blocks': 0 when every block process ended with 0."""
    time.sleep(_STOP_GRACE_S)
    with _live_lock:
        blocks = list(_live)
    failed = [b.name for b in blocks if b.process is not None and b.process.poll() not in (None, 0)]
    sys.stderr.write("gr-modelfree: GNU Radio did not stop the flowgraph within %.0f s of the stop request;"
                     " ending the process (block processes that failed: %s)\n"
                     % (_STOP_GRACE_S, ", ".join(failed) or "none"))
    sys.stderr.flush()
    _stop_all()
    os._exit(1 if failed else 0)


@atexit.register
def _stop_all():
    _stopping.set()
    with _live_lock:
        blocks = list(_live)
    for b in blocks:
        b.stop()
