"""gr-modelfree for GNU Radio: the learned link's blocks as gr.hier_block2s.

Each block starts its JVM process (`java -jar gr-modelfree.jar block NAME`, what `./modelfree block NAME`
runs; the jar must be built, see _jvm.block_command), or attaches to one already running
(`attach="port=address,..."`, for a block on another machine), and exposes ordinary GNU Radio
ports backed by ZeroMQ: complex64 and byte streams, and message ports that carry the blocks' control
messages as PDUs. The processes end when the flowgraph's Python process ends, even on SIGKILL.
Parameters are the JVM block's own (`./modelfree block NAME --describe`); None keeps its default.

A training flowgraph: transmitter -> policy_sampler -> channel blocks -> receiver (through a radio, or a
channel at a radio's sample rate: policy_sampler -> radio_tx -> radio sink ... radio source -> radio_rx ->
receiver), with the
message connections policy_sampler.sent -> transmitter.sent, receiver.losses -> loss_feedback.in,
loss_feedback.out -> transmitter.feedback. When the transmitter, sampler and receiver have
finished the schedule, the flowgraph is stopped as by Ctrl-C.

Sending your own data with a trained model (mode="stream"): transmitter(source="stream") has a byte
input, one message index (0..M-1) per byte; receiver(output="stream", reference="none") has a byte
output with the decided message index of every message. An optional stream port exists only when its
parameter enables it (GNU Radio does not allow an unconnected stream port in a hier_block2).
"""

from gnuradio import gr

from ._jvm import JvmPorts, describe, item_size

__all__ = ["transmitter", "policy_sampler", "receiver", "loss_feedback", "radio_tx", "radio_rx", "semantic_agent",
           "semantic_receiver", "describe"]


class _JvmBlock(gr.hier_block2):
    BLOCK = None
    # Message outputs the bridge adds: port id -> the JVM stats key it publishes, as a pair
    # (port id . value), once a second.
    STATS_PORTS = {}

    def __init__(self, attach="", **params):
        spec = describe(self.BLOCK)
        enabled = {p["id"] for p in spec["inputs"] + spec["outputs"] if self._enabled(spec, p, params)}
        sizes_in = [item_size(p) for p in spec["inputs"] if p["domain"] == "stream" and p["id"] in enabled]
        sizes_out = [item_size(p) for p in spec["outputs"] if p["domain"] == "stream" and p["id"] in enabled]
        gr.hier_block2.__init__(self, "modelfree_" + self.BLOCK.replace("-", "_"), _signature(sizes_in),
                                _signature(sizes_out))
        self._params = params
        self._ports = JvmPorts(self, self.BLOCK, params, attach, finite=_finite(spec, params),
                               stats_ports=self.STATS_PORTS, enabled=enabled)
        self._runtime = {p["id"] for p in spec["parameters"] if p.get("runtime")}

    def _enabled(self, spec, port, params):
        """Whether a port is there: always, but for a port that the JVM block declares enabled by a
        parameter value (its 'enabled_by'), which the parameters given do not have. Without it the
        port is not in the io_signature, and the JVM block gets no address for it."""
        enable = port.get("enabled_by")
        if enable is None:
            return True
        key, value = enable["parameter"], enable["value"]
        given = params.get(key)
        if given is None:
            given = next(q["default"] for q in spec["parameters"] if q["id"] == key)
        return given == value

    def __getattr__(self, name):
        # set_<id> for each run-time parameter (GRC's callbacks, e.g. set_sigma2 from a QT GUI Range)
        if name.startswith("set_") and name[4:] in self.__dict__.get("_runtime", ()):
            return lambda value: self.set_param(name[4:], value)
        return gr.hier_block2.__getattr__(self, name)

    def set_param(self, key, value):
        """Changes a run-time parameter of the running JVM block (its checks apply; a rejected value
        is logged by the block and changes nothing)."""
        if key not in self._runtime:
            raise ValueError("gr-modelfree %s: %r cannot change at run time; these can: %s"
                             % (self.BLOCK, key, sorted(self._runtime)))
        self._params[key] = value
        self._ports.set_param(key, value)

    def process(self):
        """The JVM block's subprocess.Popen, or None when attached to a running one."""
        return self._ports.process

    def stop_process(self):
        """Ends the JVM block's process now."""
        self._ports.stop()


def _signature(sizes):
    """The io_signature of stream ports with these item sizes, in order."""
    return gr.io_signature.makev(len(sizes), len(sizes), sizes) if sizes else gr.io_signature(0, 0, 0)


def _finite(spec, params):
    """Whether a block ends by itself (then the flowgraph stops when all such blocks have): one that
    follows the training schedule, or carries a set number of frames in stream mode."""
    if params.get("mode", "train") == "train":
        return any(p["id"] in ("iterations", "epochs") for p in spec["parameters"])
    return bool(params.get("frames") or 0)


class transmitter(_JvmBlock):
    """Learned transmitter: messages to complex64 frames; learns from fed-back losses. With
    source='stream' (stream mode) it has a byte input 'msg_in': the messages to send, one index per byte."""
    BLOCK = "transmitter"


class policy_sampler(_JvmBlock):
    """Gaussian exploration of the transmitter's output; posts what it sent to the transmitter."""
    BLOCK = "policy-sampler"


class receiver(_JvmBlock):
    """Learned receiver: finds frames, decodes, trains, and posts per-example losses. Its 'bler' port
    posts ('bler' . block error rate of its last 16 training batches) once a second while it trains.
    With output='stream' (stream mode) it has a byte output 'msg_out': the decided message indices."""
    BLOCK = "receiver"
    STATS_PORTS = {"bler": "recent_bler"}


class loss_feedback(_JvmBlock):
    """The feedback link for the losses, with optional delay, drops and quantisation."""
    BLOCK = "loss-feedback"


class radio_tx(_JvmBlock):
    """Makes the link's frames radio-ready: sync preamble, pilots and tail, root-raised-cosine pulse shaping,
    a level for the DAC, and idle samples between frames so a radio sink is fed at samp_rate."""
    BLOCK = "radio-tx"


class radio_rx(_JvmBlock):
    """Finds the link's frames in a radio's oversampled stream, synchronises each from its own known symbols
    (timing, clock and carrier offset, phase, gain) and passes them to the receiver at one sample per symbol."""
    BLOCK = "radio-rx"


class semantic_agent(_JvmBlock):
    """One RL-SINFONY agent (agent=0..3): features of its image quadrant to channel inputs; learns from
    the losses on 'feedback'. With output='stream' its channel inputs leave on the complex64 stream
    'features' (N_Tx / 2 samples per image, batch after batch), for GNU Radio channel blocks."""
    BLOCK = "semantic-agent"


class semantic_receiver(_JvmBlock):
    """The RL-SINFONY receiver: classifies from the four agents' channel outputs and feeds losses back
    on 'feedback0'..'feedback3'. With input='stream' they arrive on the complex64 streams
    'features0'..'features3' after the flowgraph's channel (its built-in AWGN is then off)."""
    BLOCK = "semantic-receiver"
