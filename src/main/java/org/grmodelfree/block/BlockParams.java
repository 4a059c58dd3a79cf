package org.grmodelfree.block;

import java.util.List;

/** Parameters several blocks declare alike: how they run and where they checkpoint. */
public final class BlockParams {
    /** What a block of the link does: follow the training schedule, or carry data with a trained model. */
    public enum Mode implements ParamSpec.Choice {
        TRAIN, STREAM
    }

    /** How message ports carry messages. */
    public enum MsgFormat implements ParamSpec.Choice {
        MSGPACK, PDU
    }

    public static final ParamSpec MODE = ParamSpec.choice("mode", "Mode", Mode.TRAIN,
            "train: follow the training schedule; stream: carry data with a trained model (inference)");
    public static final ParamSpec MODEL = ParamSpec.string("model", "Model file", "",
            "trained model.msgpack to use in stream mode");
    public static final ParamSpec CHECKPOINT = ParamSpec.string("checkpoint", "Checkpoint file", "",
            "where to checkpoint atomically and to resume from if it exists (empty: no checkpoints)");
    public static final ParamSpec CHECKPOINT_SECONDS = ParamSpec.real("checkpoint_seconds", "Checkpoint interval",
            10.0, 0.0, 86400.0, "seconds between checkpoints (0: after every batch)").inAdvanced();
    public static final ParamSpec MODEL_OUT = ParamSpec.string("model_out", "Model output", "",
            "train mode: the link model (model.msgpack) to write when the schedule ends, for stream mode; give"
                    + " the transmitter and the receiver the same file: each leaves its part beside it"
                    + " (FILE.transmitter.ckpt, FILE.receiver.ckpt) and the one that finishes last joins them"
                    + " (empty: none; stream mode ignores it)");
    public static final ParamSpec FREEZE = ParamSpec.bool("freeze", "Freeze learning", false,
            "train mode: while true the block takes no learning steps (fixed weights; the schedule runs on and"
                    + " the receiver still reports its error rate); false again resumes training with the weights"
                    + " and optimiser where they stopped; can change while training (e.g. a QT GUI Check Box)")
            .atRuntime();
    public static final ParamSpec FRAMES = ParamSpec.integer("frames", "Frames", 0, 0L, null,
            "stream mode: frames to carry before ending (0: until stopped)");
    public static final ParamSpec PEER_TIMEOUT = ParamSpec.real("peer_timeout", "Peer timeout", 10.0, 0.1, 86400.0,
            "seconds without input (or without a peer taking output) before the block reports its peer lost")
            .inAdvanced();
    public static final ParamSpec PASS_TAGS = ParamSpec.bool("pass_tags", "Pass tags", false,
            "stream ports carry gr-zeromq's tag header (match the GNU Radio ZMQ blocks' pass_tags)").inAdvanced();

    public static final ParamSpec MSG_FORMAT = ParamSpec.choice("msg_format", "Message format", MsgFormat.MSGPACK,
            "message ports: msgpack maps between gr-modelfree blocks (DEALER sockets),"
                    + " or the same messages as PDUs over PUSH/PULL, for GNU Radio message ports").inAdvanced();

    public static final ParamSpec CURVE_SECRET = ParamSpec.string("curve_secret", "CURVE key pair", "",
            "file with this block's CURVE key pair (NAME.key_secret, written by ./modelfree keys, mode 0600): its"
                    + " msgpack message ports are encrypted and authenticated (docs/security.md); empty: plain"
                    + " ZeroMQ. Not with msg_format pdu").inAdvanced();
    public static final ParamSpec CURVE_CLIENTS = ParamSpec.string("curve_clients", "CURVE clients", "",
            "with curve_secret: directory of the public key files (NAME.key) of the blocks allowed to connect to"
                    + " this block's message outputs; any other peer is refused and logged").inAdvanced();
    public static final ParamSpec CURVE_SERVERS = ParamSpec.string("curve_servers", "CURVE servers", "",
            "with curve_secret: port=FILE,... for each message input, the public key file (NAME.key) of the"
                    + " block whose output it connects to").inAdvanced();

    /** The parameters every block with only stream ports has, for the runner. */
    public static final List<ParamSpec> STREAM_RUNNER = List.of(PEER_TIMEOUT, PASS_TAGS);
    /** The parameters every block with message ports has, for the runner. */
    public static final List<ParamSpec> RUNNER = List.of(PEER_TIMEOUT, PASS_TAGS, MSG_FORMAT, CURVE_SECRET,
            CURVE_CLIENTS, CURVE_SERVERS);

    private BlockParams() {
    }
}
