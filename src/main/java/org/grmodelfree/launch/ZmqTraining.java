package org.grmodelfree.launch;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.block.BlockKeys;
import org.grmodelfree.block.BlockParams;
import org.grmodelfree.block.ChannelBlock;
import org.grmodelfree.block.LossFeedbackBlock;
import org.grmodelfree.block.PolicySamplerBlock;
import org.grmodelfree.block.ReceiverBlock;
import org.grmodelfree.block.TrainingParams;
import org.grmodelfree.block.TransmitterBlock;
import org.grmodelfree.launch.Blocks;
import org.grmodelfree.report.Json;
import org.grmodelfree.run.Progress;
import org.grmodelfree.run.TrainingSession;
import org.grmodelfree.store.CheckpointJoin;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;

/**
 * {@code train --transport zmq}: the link as five processes on loopback, wired as a GNU Radio
 * flowgraph would wire them: transmitter -> policy sampler -> channel -> receiver -> loss feedback
 * -> transmitter, and the sampler's "sent" to the transmitter. The channel process is the test
 * channel (AWGN or Rayleigh block fading at the training SNR, with channel_model's 3-sample drop and
 * 5-sample hold-back by default). When the transmitter and receiver have finished, their final
 * checkpoints are joined into model.msgpack and evaluated exactly as an embedded run is.
 */
public final class ZmqTraining {
    public static final String TX = "transmitter";
    public static final String SAMPLER = "policy-sampler";
    public static final String CHANNEL = "channel";
    public static final String RX = "receiver";
    public static final String FEEDBACK = "loss-feedback";
    /**
     * Every process but the receiver computes on one thread: on a small machine the receiver's
     * training step is the longest stage, and a second worker thread elsewhere only takes cores from
     * it (measured: the transmitter's step took 1.9 ms with two threads, 0.26 ms with one).
     */
    private static final List<String> ONE_THREAD = List.of("-Dmodelfree.threads=1");
    /**
     * The loss feedback only passes messages on: C1 alone compiles it. Measured here, its CPU per
     * iteration fell from 0.78-1.04 to about 0.58 ms once C2 no longer compiled JeroMQ and msgpack
     * code for tens of seconds after start.
     */
    private static final List<String> FEEDBACK_JVM = List.of("-Dmodelfree.threads=1", "-XX:TieredStopAtLevel=1");
    /** The receiver's workers spin briefly before parking, leaving the cores to the other processes. */
    private static final List<String> RECEIVER_JVM = List.of("-Dmodelfree.spins=" + ReceiverBlock.PROCESS_SPINS);

    /** The test channel's sample bookkeeping and the feedback link's impairments. */
    public record LinkOptions(int shift, int holdBack, double feedbackDelayMs, double feedbackDrop, int quantizeBits,
                       double peerTimeoutSeconds, double feedbackTimeoutSeconds, double checkpointSeconds) {
        public static LinkOptions defaults() {
            return new LinkOptions(3, 5, 0, 0, 0, 10, 5, 10);
        }
    }

    /**
     * A channel that runs elsewhere: toChannel is where the policy sampler's output binds for it to
     * read (a host's address and a port), fromChannel the output it binds for the receiver.
     */
    public record ExternalChannel(String toChannel, String fromChannel) {
    }

    /** A started link: its processes and where its checkpoints go. */
    public static final class Link implements AutoCloseable {
        public final BlockProcesses processes;
        public final Path txCheckpoint;
        public final Path rxCheckpoint;
        /** Where the processes run and the addresses they use. */
        public final Layout layout;

        Link(BlockProcesses processes, Path dir, Layout layout) {
            this.processes = processes;
            this.layout = layout;
            this.txCheckpoint = checkpoint(dir, TX);
            this.rxCheckpoint = checkpoint(dir, RX);
        }

        public static Path checkpoint(Path dir, String block) {
            return dir.resolve(block + ".ckpt");
        }

        @Override
        public void close() {
            processes.close();
        }
    }

    private ZmqTraining() {
    }

    /**
     * Where each process of the link runs and which addresses it binds and connects to. Bound
     * addresses may have port 0 only where nothing else connects to them by that address (none
     * here): every output's address is also its reader's input address. A process runs under its
     * launcher (empty: on this host), e.g. {@code ip netns exec HOST} for a block on another host of
     * a test; extra arguments are added to its command line (keys, peer timeouts).
     *
     * @param channelOut the address the receiver reads: the channel block's output, or an external
     *                   channel's (a GNU Radio flowgraph on a channel host) when channelProcess is false
     * @param feedbackIn the address the transmitter reads its losses from: the loss feedback's
     *                   output, or a relay in front of it
     */
    public record Layout(String txOut, String samplerOut, String samplerSent, String channelOut,
                         String receiverLosses, String feedbackOut, String feedbackIn, boolean channelProcess,
                         Map<String, List<String>> launchers, Map<String, List<String>> extraArgs) {
        public Layout {
            launchers = Map.copyOf(launchers);
            extraArgs = Map.copyOf(extraArgs);
        }

        /** All five processes on this host's loopback, each output on a free port. */
        public static Layout loopback() throws IOException {
            String fb = BlockProcesses.loopback(BlockProcesses.freePort());
            return new Layout(BlockProcesses.loopback(BlockProcesses.freePort()),
                    BlockProcesses.loopback(BlockProcesses.freePort()), BlockProcesses.loopback(BlockProcesses.freePort()),
                    BlockProcesses.loopback(BlockProcesses.freePort()), BlockProcesses.loopback(BlockProcesses.freePort()),
                    fb, fb, true, Map.of(), Map.of());
        }

        /** The same layout with the channel elsewhere: no channel process, the sampler and receiver at its ends. */
        public Layout withChannel(ExternalChannel c) {
            return new Layout(txOut, c.toChannel(), samplerSent, c.fromChannel(), receiverLosses, feedbackOut,
                    feedbackIn, false, launchers, extraArgs);
        }

        /** The same layout with these arguments added to each block's. */
        public Layout withExtraArgs(Map<String, List<String>> more) {
            Map<String, List<String>> all = new LinkedHashMap<>();
            for (String label : List.of(TX, SAMPLER, CHANNEL, RX, FEEDBACK)) {
                List<String> a = new ArrayList<>(extra(label));
                a.addAll(more.getOrDefault(label, List.of()));
                all.put(label, List.copyOf(a));
            }
            return new Layout(txOut, samplerOut, samplerSent, channelOut, receiverLosses, feedbackOut, feedbackIn,
                    channelProcess, launchers, all);
        }

        List<String> launcher(String label) {
            return launchers.getOrDefault(label, List.of());
        }

        List<String> extra(String label) {
            return extraArgs.getOrDefault(label, List.of());
        }
    }

    /**
     * Key pairs for the link's message links (CurveZMQ, docs/security.md), made in keysDir: one per
     * block with message ports, and a folder of allowed clients per block that binds a message
     * output (the policy sampler's 'sent' admits the transmitter, the receiver's 'losses' the loss
     * feedback, the loss feedback's 'out' the transmitter). Returns each block's key arguments, for
     * {@link Layout#extraArgs}. Any earlier keys in keysDir are replaced.
     */
    public static Map<String, List<String>> curve(Path keysDir) throws IOException {
        List<String> names = List.of(TX, SAMPLER, RX, FEEDBACK);
        BlockKeys keys = BlockKeys.generate(keysDir, names);
        Map<String, List<String>> clients = Map.of(SAMPLER, List.of(TX), RX, List.of(FEEDBACK), FEEDBACK, List.of(TX));
        Map<String, List<String>> args = new LinkedHashMap<>();
        for (String n : names) {
            List<String> a = new ArrayList<>(List.of(BlockParams.CURVE_SECRET.flag(), keys.secret(n).toString()));
            if (clients.containsKey(n)) {
                a.addAll(List.of(BlockParams.CURVE_CLIENTS.flag(), keys.clients(n, clients.get(n)).toString()));
            }
            args.put(n, a);
        }
        args.get(TX).addAll(List.of(BlockParams.CURVE_SERVERS.flag(), TransmitterBlock.SENT.id() + "="
                + keys.publicKey(SAMPLER) + "," + TransmitterBlock.FEEDBACK.id() + "=" + keys.publicKey(FEEDBACK)));
        args.get(FEEDBACK).addAll(List.of(BlockParams.CURVE_SERVERS.flag(), LossFeedbackBlock.IN.id() + "="
                + keys.publicKey(RX)));
        return args;
    }

    /**
     * Starts the five processes on loopback, their message links over CurveZMQ with keys made for
     * the run in dir/keys (so no other process on the host can join or read them); checkpoints and
     * block state go to dir.
     */
    public static Link start(TrainConfig c, Path dir, LinkOptions o, PrintWriter err) throws IOException {
        return start(c, dir, o, err, (ExternalChannel) null);
    }

    /** The same with the channel elsewhere when channel is not null (see {@link Layout#withChannel}). */
    public static Link start(TrainConfig c, Path dir, LinkOptions o, PrintWriter err, ExternalChannel channel)
            throws IOException {
        Files.createDirectories(dir);
        Layout l = channel == null ? Layout.loopback() : Layout.loopback().withChannel(channel);
        return start(c, dir, o, err, l.withExtraArgs(curve(dir.resolve("keys"))));
    }

    /**
     * Starts the processes as the layout places them (the channel process only if the layout has
     * one); checkpoints and block state go to dir.
     */
    public static Link start(TrainConfig c, Path dir, LinkOptions o, PrintWriter err, Layout l) throws IOException {
        if (c.method() != Method.ALTERNATING) {
            throw new IllegalArgumentException("--transport zmq trains model-free (alternating): the supervised method"
                    + " needs a gradient through the channel, which a channel in another process does not give");
        }
        if (c.fineTuneSteps() > 0 || c.patience() > 0) {
            throw new IllegalArgumentException("--transport zmq does not support --fine-tune or --patience yet");
        }
        Files.createDirectories(dir);
        String peer = Double.toString(o.peerTimeoutSeconds());
        BlockProcesses p = new BlockProcesses(err, List.of());
        Link link = new Link(p, dir, l);
        try {
            p.start(TX, TX, args(l.extra(TX), TrainingParams.arguments(TransmitterBlock.SPEC, c),
                    TransmitterBlock.OUT.flag(), l.txOut(), TransmitterBlock.SENT.flag(), l.samplerSent(),
                    TransmitterBlock.FEEDBACK.flag(), l.feedbackIn(),
                    BlockParams.CHECKPOINT.flag(), link.txCheckpoint.toString(), BlockParams.CHECKPOINT_SECONDS.flag(),
                    Double.toString(o.checkpointSeconds()), TransmitterBlock.FEEDBACK_TIMEOUT.flag(),
                    Double.toString(o.feedbackTimeoutSeconds()), BlockParams.PEER_TIMEOUT.flag(), peer), ONE_THREAD,
                    l.launcher(TX));
            p.start(SAMPLER, SAMPLER, args(l.extra(SAMPLER), TrainingParams.arguments(PolicySamplerBlock.SPEC, c),
                    PolicySamplerBlock.IN.flag(), l.txOut(), PolicySamplerBlock.OUT.flag(), l.samplerOut(),
                    PolicySamplerBlock.SENT.flag(), l.samplerSent(), BlockParams.PEER_TIMEOUT.flag(), peer), ONE_THREAD,
                    l.launcher(SAMPLER));
            if (l.channelProcess()) {
                p.start(CHANNEL, CHANNEL, args(l.extra(CHANNEL), List.of(), ChannelBlock.KIND.flag(), c.channel().id(),
                        ChannelBlock.SNR_DB.flag(), Double.toString(c.snrDb()), ChannelBlock.SYMBOLS.flag(),
                        Integer.toString(c.symbols()), ChannelBlock.SHIFT.flag(), Integer.toString(o.shift()),
                        ChannelBlock.HOLD_BACK.flag(), Integer.toString(o.holdBack()), ChannelBlock.SEED.flag(),
                        Long.toString(c.seed()), ChannelBlock.IN.flag(), l.samplerOut(), ChannelBlock.OUT.flag(),
                        l.channelOut(), BlockParams.PEER_TIMEOUT.flag(), peer), ONE_THREAD, l.launcher(CHANNEL));
            }
            p.start(RX, RX, args(l.extra(RX), TrainingParams.arguments(ReceiverBlock.SPEC, c),
                    ReceiverBlock.IN.flag(), l.channelOut(), ReceiverBlock.LOSSES.flag(), l.receiverLosses(),
                    BlockParams.CHECKPOINT.flag(), link.rxCheckpoint.toString(),
                    BlockParams.CHECKPOINT_SECONDS.flag(), Double.toString(o.checkpointSeconds()),
                    BlockParams.PEER_TIMEOUT.flag(), peer), RECEIVER_JVM, l.launcher(RX));
            p.start(FEEDBACK, FEEDBACK, args(l.extra(FEEDBACK), List.of(), LossFeedbackBlock.IN.flag(),
                    l.receiverLosses(), LossFeedbackBlock.OUT.flag(), l.feedbackOut(), LossFeedbackBlock.DELAY_MS.flag(),
                    Double.toString(o.feedbackDelayMs()), LossFeedbackBlock.DROP.flag(),
                    Double.toString(o.feedbackDrop()), LossFeedbackBlock.QUANTIZE_BITS.flag(),
                    Integer.toString(o.quantizeBits()), LossFeedbackBlock.SEED.flag(), Long.toString(c.seed()),
                    BlockParams.PEER_TIMEOUT.flag(), peer), FEEDBACK_JVM, l.launcher(FEEDBACK));
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
        return link;
    }

    private static List<String> args(List<String> extra, List<String> training, String... more) {
        List<String> a = new ArrayList<>(training);
        a.addAll(List.of(more));
        a.addAll(extra);
        return a;
    }

    /** Trains over the processes, then writes the outputs as an embedded run does. */
    public static Map<String, Object> run(TrainConfig c, Path out, LinkOptions o, TrainingSession.Settings s,
                                   Progress progress, PrintWriter err) throws Exception {
        return run(c, out, o, s, progress, err, null);
    }

    /**
     * The same with the channel elsewhere when channel is not null: the policy sampler binds
     * channel.toChannel() for it to read, the receiver reads channel.fromChannel(), and no test
     * channel process runs (a GNU Radio flowgraph on another host, e.g. flowgraphs/channel_host.grc).
     */
    public static Map<String, Object> run(TrainConfig c, Path out, LinkOptions o, TrainingSession.Settings s,
                                   Progress progress, PrintWriter err, ExternalChannel channel) throws Exception {
        Files.createDirectories(out);
        Path dir = out.resolve("blocks");
        Files.deleteIfExists(Link.checkpoint(dir, TX));
        Files.deleteIfExists(Link.checkpoint(dir, RX));
        long t0 = System.nanoTime();
        Map<String, Object> blocks = new LinkedHashMap<>();
        try (Link link = start(c, dir, o, err, channel)) {
            progress.message(channel == null ? String.format(Locale.ROOT, "training over ZeroMQ: %d iterations, 5"
                    + " block processes on loopback, message links over CurveZMQ (channel %s at %.1f dB, shift %d,"
                    + " hold-back %d)", c.iterations(), c.channel().id(), c.snrDb(), o.shift(), o.holdBack())
                    : String.format(Locale.ROOT, "training over ZeroMQ: %d iterations, 4 block processes, message links"
                    + " over CurveZMQ; samples to the channel from %s, from the channel at %s", c.iterations(),
                    channel.toChannel(), channel.fromChannel()));
            link.processes.awaitSuccess(List.of(TX, RX, SAMPLER), 7 * 24 * 3600L);
            for (String b : List.of(TX, SAMPLER, RX)) {
                blocks.put(b, parseResult(link.processes.child(b).result));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Trainer trainer = join(c, link);
            LearningCurve curve = joinCurves(link);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("transport", "zmq");
            if (channel == null) {
                extra.put("channel_shift", o.shift());
                extra.put("channel_hold_back", o.holdBack());
            } else {
                extra.put("to_channel", channel.toChannel());
                extra.put("from_channel", channel.fromChannel());
            }
            extra.put("blocks", blocks);
            return TrainingSession.finish(trainer, curve, seconds, "iterations", out, s, progress, extra);
        }
    }

    /** The embedded trainer's shape filled with the two blocks' final weights ({@link CheckpointJoin}). */
    public static Trainer join(TrainConfig c, Link link) throws IOException {
        return CheckpointJoin.join(c, link.txCheckpoint, link.rxCheckpoint);
    }

    /** One learning curve from the transmitter's (tx loss, time) and the receiver's (rx loss) points. */
    public static LearningCurve joinCurves(Link link) throws IOException {
        return CheckpointJoin.joinCurves(link.txCheckpoint, link.rxCheckpoint);
    }

    private static Object parseResult(String line) {
        if (line == null || line.isBlank()) {
            return Map.of();
        }
        try {
            return Json.mapper().readValue(line, Map.class);
        } catch (IOException e) {
            return Map.of("unparsed", line);
        }
    }
}
