package org.grmodelfree.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.Channel;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.PrunedDecoder;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.gnuradio.GnuRadio;
import org.grmodelfree.launch.ZmqTraining;
import org.grmodelfree.nn.Parallel;
import org.grmodelfree.nn.SoftmaxCrossEntropy;
import org.grmodelfree.run.Meters;
import org.grmodelfree.run.Progress;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;

/**
 * What {@code modelfree bench} measures: time and allocation per training iteration, embedded;
 * streaming throughput of the blocks and the time per iteration over ZeroMQ; with the flowgraph
 * figure, the time per iteration through GNU Radio against embedded. Tables go to the given writer
 * unless the caller wants JSON (then only the returned figures count).
 */
public final class TrainingBench {
    private final int warmup;
    private final int iterations;
    private final int zmqWarmup;
    private final boolean json;
    private final PrintWriter out;
    private final PrintWriter err;

    /**
     * @param warmup iterations before timing (not negative)
     * @param iterations timed iterations per case (at least 5)
     * @param zmqWarmup iterations of the run over ZeroMQ before timing (at least 1)
     * @param json no tables: the caller prints the returned figures as JSON
     */
    public TrainingBench(int warmup, int iterations, int zmqWarmup, boolean json, PrintWriter out, PrintWriter err) {
        this.warmup = warmup;
        this.iterations = iterations;
        this.zmqWarmup = zmqWarmup;
        this.json = json;
        this.out = out;
        this.err = err;
    }

    /** One timed case. */
    public record Result(Method method, int batch, double medianMs, double p90Ms, double gflops, double allocPerIteration) {
    }

    /**
     * Measures and returns the figures: with flowgraph, only the embedded alternating case at
     * B = 1000 and the time through GNU Radio; else every embedded case, and the block figures unless
     * noBlocks.
     */
    public Map<String, Object> run(boolean flowgraph, boolean noBlocks) throws Exception {
        return run(flowgraph, noBlocks, false, true);
    }

    /**
     * As {@link #run(boolean, boolean)}; with {@code iterationOnly}, only the alternating case at
     * B = 1000 (and its references); with {@code reference}, right after that case the
     * references it is compared against ({@link #reference}).
     */
    public Map<String, Object> run(boolean flowgraph, boolean noBlocks, boolean iterationOnly, boolean reference)
            throws Exception {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("threads", Parallel.threads());
        o.put("cpus", Runtime.getRuntime().availableProcessors());
        if (flowgraph) {
            Result r = time(Method.ALTERNATING, 1000);
            o.put("alternating_ms_b1000", r.medianMs());
            o.put("alternating_p90_ms_b1000", r.p90Ms());
            print(r);
            flowgraph(o, r.medianMs());
            return o;
        }
        long alloc = 0;
        for (int batch : iterationOnly ? new int[] {1000} : new int[] {1000, 128}) {
            for (Method m : iterationOnly ? new Method[] {Method.ALTERNATING} : Method.values()) {
                Result r = time(m, batch);
                String key = m.id() + "_ms_b" + batch;
                o.put(key, r.medianMs());
                o.put(m.id() + "_p90_ms_b" + batch, r.p90Ms());
                o.put(m.id() + "_gflops_b" + batch, r.gflops());
                o.put(m.id() + "_alloc_bytes_b" + batch, r.allocPerIteration());
                if (m == Method.ALTERNATING && batch == 1000) {
                    alloc = Math.round(r.allocPerIteration());
                }
                print(r);
                if (m == Method.ALTERNATING && batch == 1000 && reference) {
                    reference(o, r);
                }
            }
        }
        o.put("alloc_bytes_per_iteration", alloc);
        if (!noBlocks && !iterationOnly) {
            blocks(o, (Double) o.get("alternating_ms_b1000"));
        }
        return o;
    }

    private void print(Result r) {
        if (!json) {
            out.printf(Locale.ROOT,
                    "%-11s B=%-5d %8.3f ms/iteration (p90 %.3f)  %6.1f GFLOP/s  %8.0f bytes allocated/iteration%n",
                    r.method().id(), r.batch(), r.medianMs(), r.p90Ms(), r.gflops(), r.allocPerIteration());
        }
    }

    /**
     * Prints where the alternating iteration's time goes, step by step ({@link IterationBreakdown}),
     * over this bench's warm-up and timed iterations.
     */
    public void breakdown() {
        IterationBreakdown.run(warmup, iterations, out);
    }

    /** Repetitions of each product for the BLAS-class rate. */
    static final int GEMM_REPS = 300;
    /** The longest a Python reference may take (PyTorch on two busy cores can be slow). */
    static final long PYTHON_TIMEOUT_SECONDS = 900;

    /**
     * The references of the alternating iteration at B = 1000, timed right after it: (1) the
     * BLAS-class time, the iteration's FLOPs at the rate of this project's Gemm on the receiver's
     * 1000 x 256 x 256 products (h W, h^T g, g W^T, on the same threads), and at numpy's sgemm rate
     * on the same shapes when numpy is installed; (2) PyTorch running the same network and
     * iteration (python/bench/torch_link.py) with as many threads. Each is printed with how it was
     * obtained, or why it could not be.
     */
    private void reference(Map<String, Object> o, Result r) {
        TrainConfig c = timedConfig(Method.ALTERNATING, 1, 1000);
        double flops = flops(c);
        double ms = r.medianMs();
        int rows = c.batchRx();
        int inner = c.rxHidden();
        int cols = c.messages();
        IterationReference.GemmRate own = IterationReference.ownGemm(rows, inner, cols, GEMM_REPS);
        double blasMs = flops / (own.all() * 1e9) * 1e3;
        o.put("iteration_mflop", flops / 1e6);
        o.put("blas_class_gemm_gflops", own.all());
        o.put("blas_class_gemm_gflops_forward", own.forward());
        o.put("blas_class_gemm_gflops_weight_gradient", own.weightGradient());
        o.put("blas_class_gemm_gflops_input_gradient", own.inputGradient());
        o.put("blas_class_ms", blasMs);
        o.put("iteration_over_blas_class", ms / blasMs);
        if (!json) {
            out.printf(Locale.ROOT, "BLAS-class reference: nn.Gemm on the receiver's %dx%dx%d products (h W, h^T g, g W^T),"
                            + " %d threads, median of %d calls each: %.1f GFLOP/s (%.1f, %.1f, %.1f)%n",
                    rows, inner, cols, Parallel.threads(), GEMM_REPS, own.all(), own.forward(), own.weightGradient(),
                    own.inputGradient());
            out.printf(Locale.ROOT, "  the iteration's %.1f MFLOP at that rate: %.3f ms; alternating B=%d took %.3f ms ="
                    + " %.2f x BLAS-class (target <= 1.3)%n", flops / 1e6, blasMs, rows, ms, ms / blasMs);
            out.flush();
        }
        Path dir = IterationReference.scripts();
        IterationReference.PythonResult np = IterationReference.runPython(dir.resolve("numpy_sgemm.py"),
                List.of("--rows", Integer.toString(rows), "--inner", Integer.toString(inner), "--cols",
                        Integer.toString(cols), "--reps", Integer.toString(GEMM_REPS)),
                PYTHON_TIMEOUT_SECONDS, "apt-get install python3-numpy");
        if (np.ok()) {
            double g = IterationReference.number(np.figures(), "gflops_all");
            double npMs = flops / (g * 1e9) * 1e3;
            o.put("numpy_sgemm_gflops", g);
            o.put("numpy_blas", np.figures().get("blas"));
            o.put("numpy_blas_class_ms", npMs);
            o.put("iteration_over_numpy_blas_class", ms / npMs);
            if (!json) {
                out.printf(Locale.ROOT, "numpy %s sgemm (%s), same three products, median of %d: %.1f GFLOP/s;"
                                + " the iteration's FLOPs at that rate: %.3f ms, iteration %.2f x that%n",
                        np.figures().get("numpy_version"), np.figures().get("blas"), GEMM_REPS, g, npMs, ms / npMs);
            }
        } else {
            o.put("numpy_sgemm_unavailable", np.unavailable());
            if (!json) {
                out.printf(Locale.ROOT, "numpy sgemm: not available (%s)%n", np.unavailable());
            }
        }
        out.flush();
        int threads = Parallel.threads();
        IterationReference.PythonResult t = IterationReference.runPython(dir.resolve("torch_link.py"),
                List.of("--threads", Integer.toString(threads), "--warmup", Integer.toString(warmup), "--iterations",
                        Integer.toString(iterations), "--batch", Integer.toString(rows)),
                PYTHON_TIMEOUT_SECONDS, "as root: apt-get install --no-install-recommends python3-torch");
        if (t.ok()) {
            double tms = IterationReference.number(t.figures(), "median_ms");
            o.put("torch_version", t.figures().get("torch_version"));
            o.put("torch_threads", t.figures().get("threads"));
            o.put("torch_ms_b1000", tms);
            o.put("torch_p90_ms_b1000", IterationReference.number(t.figures(), "p90_ms"));
            o.put("torch_mm_gflops", IterationReference.number(t.figures(), "mm_gflops"));
            o.put("iteration_over_torch", ms / tms);
            if (!json) {
                out.printf(Locale.ROOT, "PyTorch %s, the same network and iteration (python/bench/torch_link.py, %s"
                                + " threads, median of %d after %d): %.3f ms/iteration (p90 %.3f); this one %.2f x"
                                + " PyTorch (target <= 0.5); its torch.mm on %dx%dx%d: %.1f GFLOP/s%n",
                        t.figures().get("torch_version"), t.figures().get("threads"), iterations, warmup, tms,
                        IterationReference.number(t.figures(), "p90_ms"), ms / tms, rows, inner, cols,
                        IterationReference.number(t.figures(), "mm_gflops"));
            }
        } else {
            o.put("torch_unavailable", t.unavailable());
            if (!json) {
                out.printf(Locale.ROOT, "PyTorch reference: not available (%s)%n", t.unavailable());
            }
        }
        double load = Meters.loadAverage();
        o.put("reference_load_average", load);
        if (!json) {
            out.printf(Locale.ROOT, "load average %.2f on %d cpus after the references%n", load,
                    Runtime.getRuntime().availableProcessors());
        }
        out.flush();
    }

    public Result time(Method m, int batch) {
        TrainConfig c = timedConfig(m, warmup + iterations + 1, batch);
        Trainer t = Trainer.create(c);
        for (int i = 0; i < warmup; i++) {
            t.iterate();
        }
        double[] ms = new double[iterations];
        long a0 = allocatedBytes();
        for (int i = 0; i < iterations; i++) {
            long s = System.nanoTime();
            t.iterate();
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        long a1 = allocatedBytes();
        Arrays.sort(ms);
        double median = ms[iterations / 2];
        double p90 = ms[(int) (iterations * 0.9)];
        return new Result(m, batch, median, p90, flops(c) / (median / 1e3) / 1e9, (double) (a1 - a0) / iterations);
    }

    /**
     * Streaming throughput of the transmitter and receiver blocks over loopback TCP (M = 256, N = 4,
     * frames of 1000 messages) and the time per training iteration of the five block processes at
     * B = 1000 against the embedded time.
     */
    private void blocks(Map<String, Object> o, double embeddedMs) throws Exception {
        Path dir = Files.createTempDirectory("modelfree-bench");
        try {
            // a briefly trained link: the neural receiver's decoder exploits the structure a trained
            // output layer has (an untrained one has none), and the receiver decides noisy blocks
            TrainConfig c = TrainConfig.defaults(ChannelKind.AWGN).withIterations(STREAM_MODEL_ITERATIONS);
            Trainer trained = Trainer.create(c);
            while (trained.iteration() < c.iterations()) {
                trained.iterate();
            }
            Path model = dir.resolve("model.msgpack");
            ModelFile.save(model, trained, 0, new LearningCurve());
            StreamBench.Result tx = StreamBench.transmitter(model, c, 2, 5);
            o.put("transmitter_msamples_per_s", tx.msamplesPerSecond());
            StreamBench.Result rxNeural = StreamBench.receiver(model, c, "neural", 1, 2, 5);
            o.put("receiver_neural_msamples_per_s", rxNeural.msamplesPerSecond());
            // the receiver's decoder_threads: every core decides (the other threads of the bench,
            // the sender's and JeroMQ's, share them)
            int cores = Parallel.threads();
            StreamBench.Result rxThreads = cores > 1 ? StreamBench.receiver(model, c, "neural", cores, 2, 5) : rxNeural;
            o.put("receiver_decoder_threads", cores);
            o.put("receiver_neural_threads_msamples_per_s", rxThreads.msamplesPerSecond());
            double logits = ((Number) rxNeural.stats().getOrDefault("logits_per_message", Double.NaN)).doubleValue();
            o.put("receiver_neural_logits_per_message", logits);
            o.put("receiver_neural_pruned_fraction", 1 - logits / c.messages());
            double[] cpu = decisionCpuNanos(trained);
            o.put("receiver_neural_cpu_ns_per_message", cpu[0]);
            o.put("receiver_full_network_cpu_ns_per_message", cpu[1]);
            StreamBench.Result rxMd = StreamBench.receiver(model, c, "min-distance", 1, 2, 5);
            o.put("receiver_min_distance_msamples_per_s", rxMd.msamplesPerSecond());
            if (!json) {
                out.printf(Locale.ROOT, "streaming over loopback TCP, M=256 N=4: transmitter %.1f Msamples/s,"
                                + " receiver %.1f Msamples/s (neural), %.1f Msamples/s (neural, decoder_threads %d),"
                                + " %.1f Msamples/s (min-distance)%n",
                        tx.msamplesPerSecond(), rxNeural.msamplesPerSecond(), rxThreads.msamplesPerSecond(), cores,
                        rxMd.msamplesPerSecond());
                out.printf(Locale.ROOT, "neural receiver: %.2f of %d output logits evaluated per message"
                        + " (pruned fraction %.3f; model trained %d iterations, AWGN at %.0f dB)%n", logits,
                        c.messages(), 1 - logits / c.messages(), c.iterations(), c.snrDb());
                out.printf(Locale.ROOT, "neural decisions alone, CPU time per message: %.0f ns pruned (one thread),"
                        + " %.0f ns full network%n", cpu[0], cpu[1]);
                out.flush();
            }
            RadioBench.Result radio = RadioBench.run(2);
            o.put("radio_tx_msamples_per_s", radio.framerSamplesPerSecond() / 1e6);
            o.put("radio_rx_msamples_per_s", radio.syncSamplesPerSecond() / 1e6);
            o.put("radio_rx_realtime_margin_1msps", radio.syncSamplesPerSecond() / 1e6);
            if (!json) {
                out.printf(Locale.ROOT, "radio chain, one thread each (frames of 1000 messages at 4 samples per symbol,"
                                + " a third idle, 10 dB): Radio TX %.1f Msamples/s, Radio RX %.1f Msamples/s (%d frames"
                                + " found per pass): %.1f times the 1 MS/s of train_ota_sim%n",
                        radio.framerSamplesPerSecond() / 1e6, radio.syncSamplesPerSecond() / 1e6,
                        radio.framesFound(), radio.syncSamplesPerSecond() / 1e6);
                out.flush();
            }
            int its = zmqWarmup + iterations;
            TrainConfig z = timedConfig(Method.ALTERNATING, its, 1000);
            double[] curve = zmqTimes(z, dir.resolve("link"), true);
            double[] plain = zmqTimes(z, dir.resolve("plain"), false);
            double zmqMs = curve[0];
            double wholeMs = curve[1];
            o.put("zmq_ms_b1000", zmqMs);
            o.put("zmq_overhead", zmqMs / embeddedMs - 1);
            o.put("zmq_warmup_iterations", zmqWarmup);
            o.put("zmq_ms_b1000_whole_run", wholeMs);
            o.put("zmq_ms_b1000_plain", plain[0]);
            o.put("curve_overhead", zmqMs / plain[0] - 1);
            if (!json) {
                out.printf(Locale.ROOT, "alternating B=1000 over ZeroMQ (5 processes): %.3f ms/iteration, %+.0f%% against"
                        + " embedded (after %d warm-up iterations; %.3f ms/iteration over the whole run)%n", zmqMs,
                        100 * (zmqMs / embeddedMs - 1), zmqWarmup, wholeMs);
                out.printf(Locale.ROOT, "the same with plain message links: %.3f ms/iteration; CurveZMQ costs %+.0f%%%n",
                        plain[0], 100 * (zmqMs / plain[0] - 1));
            }
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Times the link over ZeroMQ (train --transport zmq's five processes on loopback), its message
     * links over CurveZMQ or plain; returns {ms per iteration after the warm-up, over the whole run}.
     */
    private double[] zmqTimes(TrainConfig z, Path dir, boolean curve) throws Exception {
        java.io.StringWriter log = new java.io.StringWriter();
        ZmqTraining.LinkOptions o = ZmqTraining.LinkOptions.defaults();
        java.io.PrintWriter w = new java.io.PrintWriter(log);
        try (ZmqTraining.Link l = curve ? ZmqTraining.start(z, dir, o, w)
                : ZmqTraining.start(z, dir, o, w, ZmqTraining.Layout.loopback())) {
            l.processes.awaitSuccess(List.of(ZmqTraining.TX, ZmqTraining.RX, ZmqTraining.SAMPLER), 3600);
            List<LearningCurve.Point> pts = org.grmodelfree.store.BlockCheckpointFile.load(l.txCheckpoint).state()
                    .history().points();
            LearningCurve.Point first = pts.get(0);
            LearningCurve.Point a = pts.get(zmqWarmup - 1);
            LearningCurve.Point b = pts.get(pts.size() - 1);
            return new double[] {(b.seconds() - a.seconds()) * 1e3 / (b.iteration() - a.iteration()),
                (b.seconds() - first.seconds()) * 1e3 / (b.iteration() - first.iteration())};
        }
    }

    /** The flowgraph timed by {@code --flowgraph}. */
    static final String FLOWGRAPH = "train_awgn";

    /**
     * Time per training iteration through GNU Radio: flowgraphs/train_awgn.grc compiled with grcc and
     * run headless (five JVM blocks behind gr-zeromq, channel_model) at M = 256, N = 4, B = 1000, for
     * warm-up plus timed iterations. The time is taken from the transmitter's learning curve, one
     * point per iteration, so starting the JVMs and the flowgraph is left out as the warm-up is.
     */
    private void flowgraph(Map<String, Object> o, double embeddedMs) throws Exception {
        Path dir = Files.createTempDirectory("modelfree-bench-flowgraph");
        Progress quiet = new Progress(err, true);
        GnuRadio gr = GnuRadio.locate();
        Path script = gr.compile(FLOWGRAPH, dir.resolve("build"), quiet);
        int w = Math.max(1, warmup);
        List<String> flags = List.of("--iterations", Integer.toString(w + iterations), "--messages", "256",
                "--symbols", "4", "--hidden", "256", "--batch", "1000", "--snr-db", "10");
        Path blocks = dir.resolve("blocks");
        GnuRadio.Run run = gr.run(script, flags, blocks, dir.resolve("flowgraph.log"), quiet);
        run.requireSuccess("transmitter", "policy-sampler", "receiver"); // keeps dir, which has the log
        IterationTimes t = IterationTimes.of(org.grmodelfree.store.BlockCheckpointFile.load(
                blocks.resolve("transmitter.ckpt")).state().history().points(), w);
        o.put("flowgraph", FLOWGRAPH);
        o.put("flowgraph_timed_iterations", t.iterations());
        o.put("flowgraph_ms_b1000", t.meanMs());
        o.put("flowgraph_median_ms_b1000", t.medianMs());
        o.put("flowgraph_ratio", t.meanMs() / embeddedMs);
        // Five processes share the cores with whatever else runs: the load says how comparable a figure is.
        double load = Meters.loadAverage();
        o.put("load_average", load);
        if (!json) {
            out.printf(Locale.ROOT, "alternating B=1000 through GNU Radio (%s.grc: 4 JVM blocks,"
                            + " gr-zeromq, channel_model): %.3f ms/iteration (mean of %d after %d warm-up; median %.3f),"
                            + " %.2f times embedded; load average %.1f on %d cpus%n",
                    FLOWGRAPH, t.meanMs(), t.iterations(), w, t.medianMs(), t.meanMs() / embeddedMs, load,
                    Runtime.getRuntime().availableProcessors());
        }
        deleteTree(dir);
    }

    /** Mean and median time per iteration over a learning curve's points after the first {@code warmup}. */
    public record IterationTimes(int iterations, double meanMs, double medianMs) {
        /**
         * @param points one per iteration, in order, with the run's clock in seconds
         * @param warmup at least 1: the timing starts at the end of iteration {@code warmup}
         */
        public static IterationTimes of(List<LearningCurve.Point> points, int warmup) {
            if (warmup < 1 || points.size() <= warmup) {
                throw new IllegalArgumentException("the learning curve has " + points.size()
                        + " points; timing after " + warmup + " warm-up iterations needs more");
            }
            LearningCurve.Point a = points.get(warmup - 1);
            LearningCurve.Point b = points.get(points.size() - 1);
            int n = b.iteration() - a.iteration();
            double[] ms = new double[points.size() - warmup];
            for (int i = warmup; i < points.size(); i++) {
                LearningCurve.Point p = points.get(i - 1);
                LearningCurve.Point q = points.get(i);
                ms[i - warmup] = (q.seconds() - p.seconds()) * 1e3 / (q.iteration() - p.iteration());
            }
            Arrays.sort(ms);
            return new IterationTimes(n, (b.seconds() - a.seconds()) * 1e3 / n, ms[ms.length / 2]);
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * CPU time per message of the neural decisions alone, without sockets: {0} the stream
     * receiver's pruned decoder (on the calling thread), {1} the full network (argmax of its logits,
     * its matrix products on all threads, so CPU time of all threads). Medians over 10 rounds of 20
     * batches of 1000 blocks through the model's channel at its SNR, after 5 rounds of warm-up (2 s
     * at least for the pruned decoder), each decoder's rounds apart; CPU time summed over the JVM's
     * threads is what the decisions cost whatever else shares the machine.
     */
    static double[] decisionCpuNanos(Trainer trained) {
        TrainConfig c = trained.config();
        Receiver rx = trained.receiver();
        FMatrixRMaj codebook = trained.transmitter().codebook();
        Channel channel = c.channel().at(c.snrDb());
        PrunedDecoder pruned = PrunedDecoder.forLink(rx, codebook, channel, c.seed());
        int rows = 1000;
        FMatrixRMaj[] ys = new FMatrixRMaj[20];
        Rng rng = new Rng(c.seed() ^ 0xDEC1DEL);
        FMatrixRMaj x = new FMatrixRMaj(rows, codebook.numCols);
        for (int b = 0; b < ys.length; b++) {
            for (int i = 0; i < rows; i++) {
                System.arraycopy(codebook.data, rng.nextInt(codebook.numRows) * codebook.numCols, x.data,
                        i * codebook.numCols, codebook.numCols);
            }
            ys[b] = new FMatrixRMaj(1, 1);
            channel.apply(x, ys[b], rng);
        }
        int[] decisions = new int[rows];
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] ns = new double[2][10 * ys.length];
        // each decoder in rounds of its own, as a stream receiver runs one: alternating them batch
        // by batch would leave each the other's data in the caches
        // warm-up for 2 s at least, as the stream figures have: building the decoder (forLink)
        // tries several ranks, and the compiler settles again on the rank kept
        long warm = System.nanoTime() + 2_000_000_000L;
        for (int round = 0; round < 5 || System.nanoTime() < warm; round++) {
            for (FMatrixRMaj y : ys) {
                pruned.decide(y, null, decisions);
            }
        }
        for (int round = 0; round < 10; round++) {
            for (int b = 0; b < ys.length; b++) {
                long t0 = mx.getCurrentThreadCpuTime();
                pruned.decide(ys[b], null, decisions);
                long t1 = mx.getCurrentThreadCpuTime();
                ns[0][round * ys.length + b] = (double) (t1 - t0) / rows;
            }
        }
        for (int round = -5; round < 10; round++) {
            for (int b = 0; b < ys.length; b++) {
                long a0 = cpuNanos(mx);
                SoftmaxCrossEntropy.argmax(rx.forward(ys[b]), null, decisions);
                long a1 = cpuNanos(mx);
                if (round >= 0) {
                    ns[1][round * ys.length + b] = (double) (a1 - a0) / rows;
                }
            }
        }
        Arrays.sort(ns[0]);
        Arrays.sort(ns[1]);
        return new double[] {ns[0][ns[0].length / 2], ns[1][ns[1].length / 2]};
    }

    /** CPU time so far of all live threads. */
    static long cpuNanos(java.lang.management.ThreadMXBean mx) {
        long total = 0;
        for (long id : mx.getAllThreadIds()) {
            total += Math.max(0, mx.getThreadCpuTime(id));
        }
        return total;
    }

    /**
     * The timed configuration: the defaults on AWGN at 10 dB (M = 256, N = 4, one step per phase,
     * Adam 1e-3) with a fixed learning rate, the given method, iterations and batch in both phases,
     * no BLER estimates (one evaluation message) and seed 1.
     */
    static TrainConfig timedConfig(Method m, int iterations, int batch) {
        TrainConfig base = TrainConfig.defaults(ChannelKind.AWGN);
        return base.toBuilder().snrDb(10).method(m).messages(256).symbols(4).hidden(256).iterations(iterations)
                .batch(batch).rxSteps(1).txSteps(1).lrRx(1e-3).lrTx(1e-3).lrFinalFactor(1).sigma2(base.sigma2())
                .sigma2Final(base.sigma2()).fineTuneSteps(0).seed(1).evalEvery(0).evalMessages(1).patience(0).build();
    }

    /** Training iterations of the model the streaming figures use (the default recipe, shortened). */
    static final int STREAM_MODEL_ITERATIONS = 1000;

    /** Floating-point operations of one iteration (2 per multiply-add of the dense layers). */
    static double flops(TrainConfig c) {
        double in = 2.0 * c.symbols();
        double h = c.rxHidden();
        double mm = c.messages();
        double rxForward = in * h + h * mm;
        double rxBackward = 2 * h * mm + in * h;
        double txCodebook = mm * c.txHidden() * in;
        double macs = c.method() == Method.ALTERNATING
                ? c.batchRx() * (rxForward + rxBackward) + c.batchTx() * rxForward + 3 * txCodebook
                : c.batchRx() * (rxForward + rxBackward + in * h) + 3 * txCodebook;
        return 2 * macs;
    }

    /** Bytes allocated so far by all live threads (HotSpot's per-thread counters). */
    static long allocatedBytes() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (mx instanceof com.sun.management.ThreadMXBean hs && hs.isThreadAllocatedMemorySupported()) {
            long total = 0;
            for (long b : hs.getThreadAllocatedBytes(hs.getAllThreadIds())) {
                if (b > 0) {
                    total += b;
                }
            }
            return total;
        }
        return 0;
    }
}
