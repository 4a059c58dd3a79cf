package org.grmodelfree.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.grmodelfree.gnuradio.GnuRadio;
import org.grmodelfree.hosts.NetworkHosts;
import org.grmodelfree.launch.ZmqTraining;
import org.grmodelfree.run.Progress;
import org.grmodelfree.train.TrainConfig;

/**
 * The link on three hosts (network namespaces): a transmitter host (transmitter and policy sampler),
 * a channel host running the shipped flowgraphs/channel_host.grc headless (GNU Radio's channel_model
 * between a ZeroMQ source and sink), and a receiver host (receiver and loss feedback). Each host has a
 * link to each other: tx-ch carries the samples out, ch-rx the samples in, rx-tx the losses straight
 * back, never through the channel host. Blocks bind to their host's address on the link their peer
 * uses (loopback for a peer on the same host), never to every interface.
 */
final class ThreeHosts implements AutoCloseable {
    static final String TX = "tx";
    static final String CH = "ch";
    static final String RX = "rx";
    /** Ports: each host is a fresh namespace, so nothing else holds them. */
    private static final int TX_OUT = 5000;
    private static final int SAMPLER_OUT = 5001;
    private static final int SAMPLER_SENT = 5002;
    private static final int CHANNEL_OUT = 5003;
    private static final int RX_LOSSES = 5004;
    private static final int FEEDBACK_OUT = 5005;
    /** Where a relay on the transmitter host listens, when one sits on the feedback link. */
    static final int RELAY = 5006;

    final NetworkHosts hosts;
    final NetworkHosts.Link txCh;
    final NetworkHosts.Link chRx;
    final NetworkHosts.Link rxTx;
    final StringWriter log = new StringWriter();
    final PrintWriter err = new PrintWriter(log, true);
    private Process channel;
    private final List<Process> others = new ArrayList<>();
    ZmqTraining.Link link;

    private ThreeHosts(NetworkHosts hosts) throws IOException, InterruptedException {
        this.hosts = hosts;
        this.txCh = hosts.link(TX, CH);
        this.chRx = hosts.link(CH, RX);
        this.rxTx = hosts.link(RX, TX);
    }

    static ThreeHosts create(String... extraHosts) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>(List.of(TX, CH, RX));
        names.addAll(List.of(extraHosts));
        NetworkHosts h = NetworkHosts.create(names.toArray(String[]::new));
        try {
            return new ThreeHosts(h);
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
    }

    static String tcp(String host, int port) {
        return "tcp://" + host + ":" + port;
    }

    /** The sampler's output, bound on the transmitter host's end of the tx-ch link. */
    String samplerOut() {
        return tcp(txCh.aAddress(), SAMPLER_OUT);
    }

    /** The channel flowgraph's output, bound on the channel host's end of the ch-rx link. */
    String channelOut() {
        return tcp(chRx.aAddress(), CHANNEL_OUT);
    }

    /** The loss feedback's output, bound on the receiver host's end of the rx-tx link. */
    String feedbackOut() {
        return tcp(rxTx.aAddress(), FEEDBACK_OUT);
    }

    /** Every address another host can reach: what a stray or hostile host would try. */
    List<String> listening() {
        return List.of(samplerOut(), channelOut(), feedbackOut());
    }

    /**
     * The layout: feedbackIn is where the transmitter reads its losses (the loss feedback's output,
     * or a relay's); extraArgs per block label (keys).
     */
    ZmqTraining.Layout layout(String feedbackIn, Map<String, List<String>> extraArgs) {
        Map<String, List<String>> launchers = new LinkedHashMap<>();
        launchers.put(ZmqTraining.TX, hosts.host(TX).launcher());
        launchers.put(ZmqTraining.SAMPLER, hosts.host(TX).launcher());
        launchers.put(ZmqTraining.RX, hosts.host(RX).launcher());
        launchers.put(ZmqTraining.FEEDBACK, hosts.host(RX).launcher());
        return new ZmqTraining.Layout(tcp("127.0.0.1", TX_OUT), samplerOut(), tcp("127.0.0.1", SAMPLER_SENT),
                channelOut(), tcp("127.0.0.1", RX_LOSSES), feedbackOut(), feedbackIn, false, launchers, extraArgs);
    }

    /** Compiles flowgraphs/channel_host.grc into dir and starts it on the channel host. */
    void startChannel(Path dir, double snrDb, long noiseSeed) throws IOException, InterruptedException {
        channel = channelFlowgraph(hosts.host(CH), dir, samplerOut(), channelOut(), snrDb, noiseSeed, err);
    }

    /**
     * Compiles flowgraphs/channel_host.grc into dir and starts it on host: it reads source (connects)
     * and binds sink; its output goes to dir/channel_host.log.
     */
    static Process channelFlowgraph(NetworkHosts.Host host, Path dir, String source, String sink, double snrDb,
            long noiseSeed, PrintWriter err) throws IOException, InterruptedException {
        GnuRadio gr = GnuRadio.locate();
        Path script = gr.compile("channel_host", dir, new Progress(err, true));
        List<String> cmd = new ArrayList<>(host.launcher());
        cmd.addAll(List.of(GnuRadio.PYTHON, script.toString(), "--source", source, "--sink", sink,
                "--snr-db", Double.toString(snrDb), "--noise-seed", Long.toString(noiseSeed)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("channel_host.log").toFile());
        pb.environment().putAll(gr.environment());
        pb.environment().put("HOME", dir.toString());
        return pb.start();
    }

    /** Starts the link's four block processes on their hosts (the channel first: see startChannel). */
    ZmqTraining.Link startBlocks(TrainConfig c, Path dir, ZmqTraining.LinkOptions o, ZmqTraining.Layout l)
            throws IOException {
        link = ZmqTraining.start(c, dir, o, err, l);
        return link;
    }

    /** Starts another process on a host; it is killed by close. */
    Process start(String host, List<String> command, Path logFile) throws IOException {
        List<String> cmd = new ArrayList<>(hosts.host(host).launcher());
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        others.add(p);
        return p;
    }

    Process channelProcess() {
        return channel;
    }

    /** The channel flowgraph's output so far (for failure messages). */
    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /** A listening address of the link and how host x reaches it. */
    record Route(String address, NetworkHosts.Link via) {
    }

    /**
     * Joins host x to each of the three hosts and routes it to every listening address (each is on a
     * link x is not on): what a fourth machine on the same network could reach.
     */
    List<Route> routesFromX() throws IOException, InterruptedException {
        NetworkHosts.Link toTx = hosts.link("x", TX);
        NetworkHosts.Link toCh = hosts.link("x", CH);
        NetworkHosts.Link toRx = hosts.link("x", RX);
        hosts.route("x", txCh.aAddress(), toTx.bAddress());
        hosts.route("x", chRx.aAddress(), toCh.bAddress());
        hosts.route("x", rxTx.aAddress(), toRx.bAddress());
        return List.of(new Route(samplerOut(), toTx), new Route(channelOut(), toCh), new Route(feedbackOut(), toRx));
    }

    static String seconds(long t0) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - t0) / 1e9);
    }

    @Override
    public void close() {
        if (link != null) {
            link.close();
        }
        for (Process p : others) {
            p.destroyForcibly();
        }
        if (channel != null) {
            channel.destroy();
            try {
                if (!channel.waitFor(5, TimeUnit.SECONDS)) {
                    channel.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        hosts.close();
    }
}
