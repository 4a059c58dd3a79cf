package org.grmodelfree.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Gemm;
import org.grmodelfree.report.Json;

/**
 * What the training iteration is compared against in {@code modelfree bench}: a BLAS-class time
 * (the iteration's FLOPs at the rate of a matrix product on the receiver's 1000 x 256 x 256 layer:
 * this project's own {@link Gemm}, and numpy's sgemm when numpy is there) and a PyTorch
 * implementation of the same network and iteration ({@code python/bench/torch_link.py}), run with
 * Debian's {@code /usr/bin/python3}. A figure that cannot be measured is reported with the reason,
 * never estimated.
 */
final class IterationReference {
    /** Debian's Python, where python3-numpy and python3-torch install. */
    static final String PYTHON = "/usr/bin/python3";

    private IterationReference() {
    }

    /** GFLOP/s of the three products of a dense layer (forward, weight and input gradients), and all three together. */
    record GemmRate(double forward, double weightGradient, double inputGradient, double all) {
    }

    /**
     * Times {@link Gemm} on the products of a dense layer with {@code inner} inputs and
     * {@code cols} outputs over {@code rows} examples, as {@code nn.Dense} calls them: h W,
     * h<sup>T</sup> g and g W<sup>T</sup>, each the median of {@code reps} calls after as many
     * warm-up calls, on the threads of {@code nn.Parallel}. {@code all} is the three products'
     * FLOPs over the sum of their medians.
     */
    static GemmRate ownGemm(int rows, int inner, int cols, int reps) {
        java.util.Random g = new java.util.Random(1);
        FMatrixRMaj h = random(rows, inner, g);
        FMatrixRMaj w = random(inner, cols, g);
        FMatrixRMaj gy = random(rows, cols, g);
        FMatrixRMaj y = new FMatrixRMaj(rows, cols);
        FMatrixRMaj gw = new FMatrixRMaj(inner, cols);
        FMatrixRMaj gx = new FMatrixRMaj(rows, inner);
        Gemm gemm = new Gemm();
        double flops = 2.0 * rows * inner * cols;
        double f = median(() -> gemm.mult(h, w, y), reps);
        double wg = median(() -> gemm.multTransA(h, gy, gw), reps);
        double ig = median(() -> gemm.multTransB(gy, w, gx), reps);
        return new GemmRate(flops / f / 1e9, flops / wg / 1e9, flops / ig / 1e9, 3 * flops / (f + wg + ig) / 1e9);
    }

    private static FMatrixRMaj random(int r, int c, java.util.Random g) {
        FMatrixRMaj m = new FMatrixRMaj(r, c);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) g.nextGaussian();
        }
        return m;
    }

    /** Median seconds of one call over reps calls, after reps warm-up calls. */
    private static double median(Runnable r, int reps) {
        for (int i = 0; i < reps; i++) {
            r.run();
        }
        double[] s = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(s);
        return s[reps / 2];
    }

    /** The outcome of a Python reference: its JSON object, or why there is none. */
    record PythonResult(Map<String, Object> figures, String unavailable) {
        boolean ok() {
            return figures != null;
        }
    }

    /** The folder of the reference scripts: {@code python/bench} under modelfree.home (the launcher sets it), or the working directory. */
    static Path scripts() {
        String home = System.getProperty("modelfree.home");
        return (home != null ? Path.of(home) : Path.of("").toAbsolutePath()).resolve("python").resolve("bench");
    }

    /**
     * Runs {@code /usr/bin/python3 script args} and parses the last line of its output as a JSON
     * object; on any failure says why (no Python, the script missing, a module not installed, a
     * time-out), with {@code hint} added when a module is missing.
     */
    @SuppressWarnings("unchecked")
    static PythonResult runPython(Path script, List<String> args, long timeoutSeconds, String hint) {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return new PythonResult(null, PYTHON + " not found");
        }
        if (!Files.isRegularFile(script)) {
            return new PythonResult(null, script + " not found");
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
        cmd.addAll(args);
        try {
            Path err = Files.createTempFile("modelfree-bench-python", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                        .start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new PythonResult(null, "timed out after " + timeoutSeconds + " s");
                }
                String text = new String(out, StandardCharsets.UTF_8).strip();
                if (p.exitValue() != 0 || text.isEmpty()) {
                    String msg = lastLine(Files.readString(err, StandardCharsets.UTF_8));
                    if (msg.contains("ModuleNotFoundError") || msg.contains("ImportError")) {
                        msg += hint.isEmpty() ? "" : " (" + hint + ")";
                    }
                    return new PythonResult(null, "exit " + p.exitValue() + ": " + msg);
                }
                return new PythonResult(Json.mapper().readValue(lastLine(text), Map.class), null);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new PythonResult(null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PythonResult(null, "interrupted");
        }
    }

    private static String lastLine(String s) {
        String t = s.strip();
        int i = t.lastIndexOf('\n');
        return i < 0 ? t : t.substring(i + 1);
    }

    static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number x ? x.doubleValue() : Double.NaN;
    }
}
