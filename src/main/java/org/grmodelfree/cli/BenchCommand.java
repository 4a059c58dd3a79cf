package org.grmodelfree.cli;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.nn.Parallel;
import org.grmodelfree.report.Json;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grmodelfree.block.StreamBench;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.LearningCurve;
import picocli.CommandLine.Spec;

/** {@code modelfree bench}: time and allocation per training iteration, embedded. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time per training iteration (median after warm-up), effective GFLOP/s and allocation.")
final class BenchCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "print one JSON object instead of a table")
    boolean json;

    @Option(names = "--warmup", defaultValue = "200", description = "iterations before timing (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--iterations", defaultValue = "300", description = "timed iterations per case (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--no-blocks", description = "skip the block figures (streaming throughput, iteration over ZeroMQ)")
    boolean noBlocks;

    @Option(names = "--zmq-warmup", defaultValue = "1000", description = "iterations of the run over ZeroMQ before"
            + " timing: five fresh JVMs compiling on a small machine take longer to settle (default: ${DEFAULT-VALUE})")
    int zmqWarmup;

    /** One timed case. */
    record Result(Method method, int batch, double medianMs, double p90Ms, double gflops, double allocPerIteration) {
    }

    @Override
    public Integer call() throws Exception {
        if (warmup < 0 || zmqWarmup < 1 || iterations < 5) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--warmup must not be negative, --zmq-warmup must be at least 1 and --iterations at least 5");
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("threads", Parallel.threads());
        o.put("cpus", Runtime.getRuntime().availableProcessors());
        long alloc = 0;
        for (int batch : new int[] {1000, 128}) {
            for (Method m : Method.values()) {
                Result r = time(m, batch);
                String key = m.id() + "_ms_b" + batch;
                o.put(key, r.medianMs());
                o.put(m.id() + "_p90_ms_b" + batch, r.p90Ms());
                o.put(m.id() + "_gflops_b" + batch, r.gflops());
                o.put(m.id() + "_alloc_bytes_b" + batch, r.allocPerIteration());
                if (m == Method.ALTERNATING && batch == 1000) {
                    alloc = Math.round(r.allocPerIteration());
                }
                if (!json) {
                    spec.commandLine().getOut().printf(Locale.ROOT,
                            "%-11s B=%-5d %8.3f ms/iteration (p90 %.3f)  %6.1f GFLOP/s  %8.0f bytes allocated/iteration%n",
                            m.id(), batch, r.medianMs(), r.p90Ms(), r.gflops(), r.allocPerIteration());
                }
            }
        }
        o.put("alloc_bytes_per_iteration", alloc);
        if (!noBlocks) {
            blocks(o, (Double) o.get("alternating_ms_b1000"));
        }
        if (json) {
            spec.commandLine().getOut().println(Json.toCompactString(o));
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    Result time(Method m, int batch) {
        TrainConfig base = TrainConfig.defaults(ChannelKind.AWGN);
        TrainConfig c = new TrainConfig(ChannelKind.AWGN, 10, m, 256, 4, 256, 256, warmup + iterations + 1, batch,
                batch, 1, 1, 1e-3, 1e-3, 1, base.sigma2(), base.sigma2(), base.baseline(), 0, 1, 0, 1, 0);
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
        java.io.PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("modelfree-bench");
        try {
            TrainConfig c = TrainConfig.defaults(ChannelKind.AWGN);
            Path model = dir.resolve("model.msgpack");
            ModelFile.save(model, Trainer.create(c), 0, new LearningCurve());
            StreamBench.Result tx = StreamBench.transmitter(model, c, 2, 5);
            o.put("transmitter_msamples_per_s", tx.msamplesPerSecond());
            StreamBench.Result rxNeural = StreamBench.receiver(model, c, "neural", 2, 5);
            o.put("receiver_neural_msamples_per_s", rxNeural.msamplesPerSecond());
            StreamBench.Result rxMd = StreamBench.receiver(model, c, "min-distance", 2, 5);
            o.put("receiver_min_distance_msamples_per_s", rxMd.msamplesPerSecond());
            if (!json) {
                out.printf(Locale.ROOT, "streaming over loopback TCP, M=256 N=4: transmitter %.1f Msamples/s,"
                                + " receiver %.1f Msamples/s (neural), %.1f Msamples/s (min-distance)%n",
                        tx.msamplesPerSecond(), rxNeural.msamplesPerSecond(), rxMd.msamplesPerSecond());
                out.flush();
            }
            int its = zmqWarmup + iterations;
            TrainConfig z = new TrainConfig(ChannelKind.AWGN, 10, Method.ALTERNATING, 256, 4, 256, 256, its, 1000,
                    1000, 1, 1, 1e-3, 1e-3, 1, c.sigma2(), c.sigma2(), c.baseline(), 0, 1, 0, 1, 0);
            java.io.StringWriter log = new java.io.StringWriter();
            double zmqMs;
            double wholeMs;
            try (ZmqTraining.Link l = ZmqTraining.start(z, dir.resolve("link"), ZmqTraining.LinkOptions.defaults(),
                    new java.io.PrintWriter(log))) {
                l.processes.awaitSuccess(List.of(ZmqTraining.TX, ZmqTraining.RX, ZmqTraining.SAMPLER), 3600);
                List<LearningCurve.Point> pts = org.grmodelfree.store.BlockCheckpoint.load(l.txCheckpoint).state()
                        .history().points();
                LearningCurve.Point first = pts.get(0);
                LearningCurve.Point a = pts.get(zmqWarmup - 1);
                LearningCurve.Point b = pts.get(pts.size() - 1);
                zmqMs = (b.seconds() - a.seconds()) * 1e3 / (b.iteration() - a.iteration());
                wholeMs = (b.seconds() - first.seconds()) * 1e3 / (b.iteration() - first.iteration());
            }
            o.put("zmq_ms_b1000", zmqMs);
            o.put("zmq_overhead", zmqMs / embeddedMs - 1);
            o.put("zmq_warmup_iterations", zmqWarmup);
            o.put("zmq_ms_b1000_whole_run", wholeMs);
            if (!json) {
                out.printf(Locale.ROOT, "alternating B=1000 over ZeroMQ (5 processes): %.3f ms/iteration, %+.0f%% against"
                        + " embedded (after %d warm-up iterations; %.3f ms/iteration over the whole run)%n", zmqMs,
                        100 * (zmqMs / embeddedMs - 1), zmqWarmup, wholeMs);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

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
