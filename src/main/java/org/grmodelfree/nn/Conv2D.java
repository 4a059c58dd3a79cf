package org.grmodelfree.nn;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import jdk.incubator.vector.FloatVector;
import org.ejml.data.FMatrixRMaj;

/**
 * 2-D convolution over NCHW tensors ({@link ImageShape}): a square k x k kernel, a stride s, the
 * same zero padding p on every side, and a bias. As in every deep-learning library it is a
 * cross-correlation:
 *
 * <pre>
 * y[b, o, oy, ox] = bias[o] + sum over c, ky, kx of W[o, (c k + ky) k + kx] x[b, c, s oy - p + ky, s ox - p + kx]
 * </pre>
 *
 * with x zero outside the image; the output is (H + 2p - k) / s + 1 high (rounded down), likewise
 * wide. W is out x (in k k), He-uniform initialised; the bias starts at zero. Padding is
 * symmetric (PyTorch's convention): with k = 3, p = 1, s = 2 the windows are centred on the even
 * pixels, the same ones a 1 x 1 stride-2 projection samples.
 *
 * <p>Computed by im2col and the {@link Gemm} kernels a chunk of whole examples at a time, so the
 * patch matrix of a chunk stays in the L2 cache and none of batch size is ever built; chunks run on
 * {@link Parallel} threads. The weight gradient is summed over a fixed partition of the batch that
 * does not depend on the number of threads, so results are bit-identical on any thread count.
 * Buffers are per-thread workspaces that grow with the largest chunk seen: after the first step at
 * a batch size, forward and backward allocate nothing.
 */
public final class Conv2D implements Layer, Parallel.RangeTask {
    /** Patch-matrix floats per chunk: about 256 KB, half the L2 cache of the machines we run on. */
    private static final int CHUNK_FLOATS = 1 << 16;
    /** Chunk columns are padded to this multiple, so the Gemm kernels never run their scalar tails. */
    private static final int COL_ALIGN = 2 * Activations.L;
    /** Partial weight gradients: the batch is split into at most this many fixed shards. */
    private static final int SHARDS = 8;
    /** Smaller convolutions (in multiply-adds) run on the calling thread. */
    private static final long PARALLEL_MIN_MACS = 1L << 19;
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private final ImageShape in;
    private final ImageShape out;
    private final int kernel;
    private final int stride;
    private final int pad;
    /** Rows of the patch matrix: in.channels * kernel * kernel. */
    private final int patch;
    private final Param w;
    private final Param b;
    /** Output channels rounded up to a whole vector: the width of the transposed gradient chunk. */
    private final int outPadded;
    /**
     * Output channels and patch rows rounded up to 4, the Gemm kernel's row block, and W as a
     * (outRows x patchRows) zero-padded copy: the products then never run the kernel's single-row
     * remainder path.
     */
    private final int outRows;
    private final int patchRows;
    private final float[] wPadded;
    /** Stride 1 with the size kept (k = 2p + 1): every patch row is a shifted copy of the image. */
    private final boolean shifted;
    /** For a shifted copy by dx (index dx + p): 1 at the pixels whose column + dx stays in the image, else 0. */
    private final float[][] columnMasks;
    /**
     * Otherwise, for window position (ky, kx) (index ky k + kx) and output pixel q: the input
     * pixel it reads, or -1 for padding.
     */
    private final int[][] windowMap;
    /** Examples per chunk. */
    private final int perChunk;
    private final float[][] dwShard = new float[SHARDS][];
    private final float[][] dbShard = new float[SHARDS][];

    // the arguments of the running pass, so the parallel dispatch allocates nothing
    private boolean backward;
    private float[] xd;
    private float[] yd;
    private float[] gxd;
    private int batch;
    private int chunksPerShard;

    /**
     * @param name prefix of the parameter names ({@code name.w}, {@code name.b})
     * @param in the shape of one input example
     * @param outChannels output channels
     * @param kernel kernel height and width
     * @param stride step between windows, both directions
     * @param pad zero rows and columns added on every side
     */
    public Conv2D(String name, ImageShape in, int outChannels, int kernel, int stride, int pad, RandomGenerator rng) {
        if (kernel < 1 || stride < 1 || pad < 0 || pad >= kernel) {
            throw new IllegalArgumentException("Conv2D " + name + ": kernel " + kernel + ", stride " + stride
                    + ", padding " + pad + " (need kernel >= 1, stride >= 1, 0 <= padding < kernel)");
        }
        int oh = (in.height() + 2 * pad - kernel) / stride + 1;
        int ow = (in.width() + 2 * pad - kernel) / stride + 1;
        if (in.height() + 2 * pad < kernel || in.width() + 2 * pad < kernel) {
            throw new IllegalArgumentException("Conv2D " + name + ": a " + kernel + "x" + kernel + " kernel does not fit "
                    + in + " padded by " + pad);
        }
        this.in = in;
        this.out = new ImageShape(outChannels, oh, ow);
        this.kernel = kernel;
        this.stride = stride;
        this.pad = pad;
        this.patch = in.channels() * kernel * kernel;
        this.w = new Param(name + ".w", outChannels, patch);
        this.b = new Param(name + ".b", 1, outChannels);
        this.outPadded = (outChannels + Activations.L - 1) / Activations.L * Activations.L;
        this.outRows = (outChannels + 3) / 4 * 4;
        this.patchRows = (patch + 3) / 4 * 4;
        this.wPadded = new float[outRows * patchRows];
        this.shifted = stride == 1 && 2 * pad + 1 == kernel;
        this.columnMasks = shifted ? columnMasks() : null;
        this.windowMap = shifted ? null : windowMap();
        this.perChunk = Math.max(1, CHUNK_FLOATS / (patch * out.pixels()));
        for (int s = 0; s < SHARDS; s++) {
            dwShard[s] = new float[patch * outPadded];
            dbShard[s] = new float[outChannels];
        }
        float limit = (float) Math.sqrt(6.0 / patch);
        float[] d = w.value().data;
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((2 * rng.nextDouble() - 1) * limit);
        }
    }

    public ImageShape inShape() {
        return in;
    }

    public ImageShape outShape() {
        return out;
    }

    public Param weight() {
        return w;
    }

    public Param bias() {
        return b;
    }

    /** Multiply-adds of one example's forward pass. */
    public long macsPerExample() {
        return (long) out.size() * patch;
    }

    /** y = conv(x) + bias. x (B x in.size()) not modified, y (B x out.size()) modified. */
    public void forward(FMatrixRMaj x, FMatrixRMaj y) {
        in.check("Conv2D input", x);
        out.check("Conv2D output", y);
        if (y.numRows != x.numRows || y.data == x.data) {
            throw new IllegalArgumentException("Conv2D: " + x.numRows + " input rows, " + y.numRows
                    + " output rows (they must match and must not share storage)");
        }
        backward = false;
        padWeights();
        xd = x.data;
        yd = y.data;
        batch = x.numRows;
        int chunks = chunks();
        Parallel.run(this, chunks, 1, parallel());
        xd = null;
        yd = null;
    }

    /**
     * Writes dL/dW and dL/db into the parameter gradients (overwriting them) and, when gx is not
     * null, dL/dx into gx. x is the input of the forward pass; x and gy (B x out.size()) not
     * modified, gx (B x in.size()) modified.
     */
    public void backward(FMatrixRMaj x, FMatrixRMaj gy, FMatrixRMaj gx) {
        in.check("Conv2D input", x);
        out.check("Conv2D output gradient", gy);
        if (gy.numRows != x.numRows) {
            throw new IllegalArgumentException("Conv2D: " + x.numRows + " input rows, " + gy.numRows + " gradient rows");
        }
        if (gx != null) {
            in.check("Conv2D input gradient", gx);
            if (gx.numRows != x.numRows || gx.data == gy.data || gx.data == x.data) {
                throw new IllegalArgumentException("Conv2D: the input gradient must have " + x.numRows
                        + " rows and its own storage");
            }
        }
        backward = true;
        padWeights();
        xd = x.data;
        yd = gy.data;
        gxd = gx == null ? null : gx.data;
        batch = x.numRows;
        int chunks = chunks();
        int shards = Math.min(SHARDS, chunks);
        chunksPerShard = (chunks + shards - 1) / shards;
        shards = (chunks + chunksPerShard - 1) / chunksPerShard;
        Parallel.run(this, shards, 1, parallel());
        // dW = the sum of the shards' transposed partial sums, in shard order
        float[] dw = w.grad().data;
        float[] db = b.grad().data;
        System.arraycopy(dbShard[0], 0, db, 0, db.length);
        for (int s = 1; s < shards; s++) {
            for (int o = 0; o < db.length; o++) {
                db[o] += dbShard[s][o];
            }
        }
        for (int o = 0; o < out.channels(); o++) {
            for (int k = 0; k < patch; k++) {
                float sum = dwShard[0][k * outPadded + o];
                for (int s = 1; s < shards; s++) {
                    sum += dwShard[s][k * outPadded + o];
                }
                dw[o * patch + k] = sum;
            }
        }
        xd = null;
        yd = null;
        gxd = null;
    }

    private float[][] columnMasks() {
        float[][] m = new float[kernel][in.pixels()];
        for (int dx = -pad; dx <= pad; dx++) {
            for (int q = 0; q < in.pixels(); q++) {
                int ix = q % in.width() + dx;
                m[dx + pad][q] = ix >= 0 && ix < in.width() ? 1f : 0f;
            }
        }
        return m;
    }

    private int[][] windowMap() {
        int[][] m = new int[kernel * kernel][out.pixels()];
        for (int ky = 0; ky < kernel; ky++) {
            for (int kx = 0; kx < kernel; kx++) {
                for (int oy = 0; oy < out.height(); oy++) {
                    for (int ox = 0; ox < out.width(); ox++) {
                        int iy = oy * stride - pad + ky;
                        int ix = ox * stride - pad + kx;
                        boolean inside = iy >= 0 && iy < in.height() && ix >= 0 && ix < in.width();
                        m[ky * kernel + kx][oy * out.width() + ox] = inside ? iy * in.width() + ix : -1;
                    }
                }
            }
        }
        return m;
    }

    private void padWeights() {
        float[] wd = w.value().data;
        for (int o = 0; o < out.channels(); o++) {
            System.arraycopy(wd, o * patch, wPadded, o * patchRows, patch);
        }
    }

    private int chunks() {
        return (batch + perChunk - 1) / perChunk;
    }

    private boolean parallel() {
        return (long) batch * macsPerExample() >= PARALLEL_MIN_MACS;
    }

    /** Chunks [from, to) of the forward pass, or shards [from, to) of the backward pass. */
    @Override
    public void run(int from, int to) {
        Workspace ws = WORKSPACE.get();
        int maxCols = align(perChunk * out.pixels());
        float[] col = ws.col(patchRows * maxCols);
        float[] mat = ws.mat(outRows * maxCols);
        if (!backward) {
            for (int c = from; c < to; c++) {
                forwardChunk(c, col, mat);
            }
            return;
        }
        float[] matT = ws.matT(maxCols * outPadded);
        float[] part = ws.part(patchRows * outPadded);
        int chunks = chunks();
        for (int s = from; s < to; s++) {
            Arrays.fill(dwShard[s], 0f);
            Arrays.fill(dbShard[s], 0f);
            for (int c = s * chunksPerShard; c < Math.min(chunks, (s + 1) * chunksPerShard); c++) {
                backwardChunk(c, s, col, mat, matT, part);
            }
        }
    }

    private void forwardChunk(int chunk, float[] col, float[] mat) {
        int b0 = chunk * perChunk;
        int b1 = Math.min(batch, b0 + perChunk);
        int n = align((b1 - b0) * out.pixels());
        im2col(xd, b0, b1, col, n);
        Gemm.kernel(wPadded, patchRows, 1, col, mat, patch, n, 0, outRows);
        // scatter the channel-major chunk back to NCHW rows, adding the bias
        int op = out.pixels();
        float[] bias = b.value().data;
        for (int e = 0; e < b1 - b0; e++) {
            for (int o = 0; o < out.channels(); o++) {
                int src = o * n + e * op;
                int dst = (b0 + e) * out.size() + o * op;
                float bo = bias[o];
                for (int p = 0; p < op; p++) {
                    yd[dst + p] = mat[src + p] + bo;
                }
            }
        }
    }

    /**
     * One chunk of the backward pass: dW<sup>T</sup> += patches gy<sup>T</sup> (so the Gemm kernel runs
     * along the output channels instead of reducing long dot products), db += row sums of gy, and
     * the patch-matrix gradient W<sup>T</sup> gy scattered back onto the input gradient.
     */
    private void backwardChunk(int chunk, int shard, float[] col, float[] mat, float[] matT, float[] part) {
        int b0 = chunk * perChunk;
        int b1 = Math.min(batch, b0 + perChunk);
        int cols = (b1 - b0) * out.pixels();
        int n = align(cols);
        int op = out.pixels();
        int oc = out.channels();
        // dL/dy of the chunk, channel-major (oc x n) and transposed (n x outPadded), zero-padded
        for (int q = 0; oc < outPadded && q < cols; q++) {
            Arrays.fill(matT, q * outPadded + oc, (q + 1) * outPadded, 0f);
        }
        Arrays.fill(matT, cols * outPadded, n * outPadded, 0f);
        float[] db = dbShard[shard];
        for (int o = 0; o < oc; o++) {
            float sum = 0f;
            for (int e = 0; e < b1 - b0; e++) {
                int src = (b0 + e) * out.size() + o * op;
                int dst = o * n + e * op;
                for (int p = 0; p < op; p++) {
                    float v = yd[src + p];
                    mat[dst + p] = v;
                    matT[(e * op + p) * outPadded + o] = v;
                    sum += v;
                }
            }
            Arrays.fill(mat, o * n + cols, o * n + n, 0f);
            db[o] += sum;
        }
        im2col(xd, b0, b1, col, n);
        Gemm.kernel(col, n, 1, matT, part, n, outPadded, 0, patchRows);
        float[] dwt = dwShard[shard];
        for (int i = 0; i < patch * outPadded; i++) {
            dwt[i] += part[i];
        }
        if (gxd != null) {
            Gemm.kernel(wPadded, 1, patchRows, mat, col, oc, n, 0, patchRows);
            col2im(col, b0, b1, n);
        }
    }

    /** Rounds a column count up to {@link #COL_ALIGN}. */
    private static int align(int cols) {
        return (cols + COL_ALIGN - 1) / COL_ALIGN * COL_ALIGN;
    }

    /**
     * The patch matrix of examples [b0, b1): row (c k + ky) k + kx, column e * outPixels + oy * outWidth
     * + ox holds x[b0 + e, c, s oy - p + ky, s ox - p + kx]; columns from (b1 - b0) outPixels to n,
     * and the rows from patch to patchRows, are zero.
     */
    private void im2col(float[] x, int b0, int b1, float[] col, int n) {
        patchRows(x, col, b0, b1, n, false);
        int cols = (b1 - b0) * out.pixels();
        for (int row = 0; row < patch * n; row += n) {
            Arrays.fill(col, row + cols, row + n, 0f);
        }
        Arrays.fill(col, patch * n, patchRows * n, 0f);
    }

    /**
     * The adjoint of {@link #im2col}: gx rows [b0, b1) = the scatter-sum of the patch-matrix
     * gradient col (whose entries for padding positions are overwritten).
     */
    private void col2im(float[] col, int b0, int b1, int n) {
        Arrays.fill(gxd, b0 * in.size(), b1 * in.size(), 0f);
        patchRows(gxd, col, b0, b1, n, true);
    }

    /** Every example's part of every patch row: copied from the image x, or (adjoint) added onto it. */
    private void patchRows(float[] x, float[] col, int b0, int b1, int n, boolean adjoint) {
        for (int c = 0; c < in.channels(); c++) {
            for (int ky = 0; ky < kernel; ky++) {
                for (int kx = 0; kx < kernel; kx++) {
                    int row = ((c * kernel + ky) * kernel + kx) * n;
                    for (int e = 0; e < b1 - b0; e++) {
                        int image = (b0 + e) * in.size() + c * in.pixels();
                        int at = row + e * out.pixels();
                        if (shifted && adjoint) {
                            shiftedAdd(col, at, image, ky - pad, kx - pad);
                        } else if (shifted) {
                            shiftedCopy(x, image, col, at, ky - pad, kx - pad);
                        } else if (adjoint) {
                            scatter(col, at, image, ky, kx);
                        } else {
                            gather(x, image, col, at, ky, kx);
                        }
                    }
                }
            }
        }
    }

    /**
     * One example's patch row at stride 1 with the size kept: the image shifted by (dy, dx), i.e.
     * pixel q of the row is pixel q + dy W + dx of the image, times the mask that clears the
     * columns whose window left the image sideways (and wrapped around a row edge); zero where
     * it left at the top or bottom.
     */
    private void shiftedCopy(float[] x, int image, float[] col, int dst, int dy, int dx) {
        int hw = in.pixels();
        int shift = dy * in.width() + dx;
        int lo = Math.min(hw, Math.max(0, -shift));
        int hi = Math.max(lo, Math.min(hw, hw - shift));
        Arrays.fill(col, dst, dst + lo, 0f);
        Arrays.fill(col, dst + hi, dst + hw, 0f);
        if (dx == 0) {
            System.arraycopy(x, image + lo + shift, col, dst + lo, hi - lo);
            return;
        }
        float[] mask = columnMasks[dx + pad];
        int q = lo;
        for (; q + Activations.L <= hi; q += Activations.L) {
            FloatVector.fromArray(Activations.S, x, image + q + shift).mul(FloatVector.fromArray(Activations.S, mask, q))
                    .intoArray(col, dst + q);
        }
        for (; q < hi; q++) {
            col[dst + q] = x[image + q + shift] * mask[q];
        }
    }

    /** The adjoint of {@link #shiftedCopy}: the masked patch row added onto the shifted image gradient. */
    private void shiftedAdd(float[] col, int src, int image, int dy, int dx) {
        int hw = in.pixels();
        int shift = dy * in.width() + dx;
        int lo = Math.min(hw, Math.max(0, -shift));
        int hi = Math.max(lo, Math.min(hw, hw - shift));
        float[] mask = columnMasks[dx + pad];
        int g = image + shift;
        int q = lo;
        for (; q + Activations.L <= hi; q += Activations.L) {
            FloatVector c = FloatVector.fromArray(Activations.S, col, src + q);
            FloatVector.fromArray(Activations.S, mask, q).fma(c, FloatVector.fromArray(Activations.S, gxd, g + q))
                    .intoArray(gxd, g + q);
        }
        for (; q < hi; q++) {
            gxd[g + q] = Math.fma(mask[q], col[src + q], gxd[g + q]);
        }
    }

    /** One example's patch row through the window map (any stride and padding). */
    private void gather(float[] x, int image, float[] col, int dst, int ky, int kx) {
        int[] map = windowMap[ky * kernel + kx];
        for (int q = 0; q < map.length; q++) {
            int i = map[q];
            col[dst + q] = i < 0 ? 0f : x[image + i];
        }
    }

    /** The adjoint of {@link #gather}. */
    private void scatter(float[] col, int src, int image, int ky, int kx) {
        int[] map = windowMap[ky * kernel + kx];
        for (int q = 0; q < map.length; q++) {
            int i = map[q];
            if (i >= 0) {
                gxd[image + i] += col[src + q];
            }
        }
    }

    @Override
    public List<Param> params() {
        return List.of(w, b);
    }

    /**
     * Per-thread scratch arrays shared by all convolutions on that thread, grown only: the patch
     * matrix, the output or output-gradient chunk and its transpose, and a partial dW<sup>T</sup>.
     */
    private static final class Workspace {
        private float[] col = new float[0];
        private float[] mat = new float[0];
        private float[] matT = new float[0];
        private float[] part = new float[0];

        float[] col(int size) {
            return col = atLeast(col, size);
        }

        float[] mat(int size) {
            return mat = atLeast(mat, size);
        }

        float[] matT(int size) {
            return matT = atLeast(matT, size);
        }

        float[] part(int size) {
            return part = atLeast(part, size);
        }

        private static float[] atLeast(float[] a, int size) {
            return a.length < size ? new float[size] : a;
        }
    }
}
