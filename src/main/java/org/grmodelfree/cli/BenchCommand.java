package org.grmodelfree.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.grmodelfree.bench.TrainingBench;
import org.grmodelfree.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modelfree bench}: time and allocation per training iteration, embedded, against a
 * BLAS-class time and PyTorch for the alternating case at B = 1000; with
 * {@code --flowgraph}, the time per iteration through GNU Radio against embedded (measured by
 * {@link TrainingBench}).
 */
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

    @Option(names = "--iteration-only", description = "only the alternating case at B=1000 and its references"
            + " (BLAS-class time, numpy sgemm, PyTorch)")
    boolean iterationOnly;

    @Option(names = "--no-reference", description = "skip the references of the alternating case at B=1000: the"
            + " BLAS-class time from nn.Gemm and numpy's sgemm on its 1000x256x256 products, and the same iteration"
            + " in PyTorch (python/bench/torch_link.py with /usr/bin/python3)")
    boolean noReference;

    @Option(names = "--breakdown", description = "only where the alternating iteration at B=1000 spends its time,"
            + " step by step (wall and CPU time of the calling thread; with MODELFREE_JAVA_OPTS=-Dmodelfree.threads=1"
            + " the CPU times are each step's whole cost on one core)")
    boolean breakdown;

    @Option(names = "--flowgraph", description = "only the GNU Radio figure: train through flowgraphs/train_awgn.grc"
            + " (headless, M=256, N=4, B=1000) for --warmup + --iterations iterations and compare the time per"
            + " iteration with the embedded alternating case at B=1000 (needs GNU Radio)")
    boolean flowgraph;

    @Option(names = "--zmq-warmup", defaultValue = "1000", description = "iterations of the run over ZeroMQ before"
            + " timing: five fresh JVMs compiling on a small machine take longer to settle (default: ${DEFAULT-VALUE})")
    int zmqWarmup;

    @Override
    public Integer call() throws Exception {
        if (warmup < 0 || zmqWarmup < 1 || iterations < 5) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--warmup must not be negative, --zmq-warmup must be at least 1 and --iterations at least 5");
        }
        TrainingBench bench = new TrainingBench(warmup, iterations, zmqWarmup, json, spec.commandLine().getOut(),
                spec.commandLine().getErr());
        if (breakdown) {
            bench.breakdown();
            return 0;
        }
        Map<String, Object> o = bench.run(flowgraph, noBlocks, iterationOnly, !noReference);
        if (json) {
            spec.commandLine().getOut().println(Json.toCompactString(o));
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
