package org.grmodelfree.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;

/**
 * A residual unit of two 3 x 3 convolutions with batch norm and ReLU, over NCHW tensors
 * ({@link ImageShape}). The shortcut is the identity, or a 1 x 1 convolution with the unit's
 * stride (a projection) when the unit changes the channel count or downsamples. Two orderings:
 *
 * <ul>
 *   <li>pre-activation (He et al. 2016, "Identity mappings"; the RL-SINFONY reference code's
 *       default): y = conv2(relu(bn2(conv1(relu(bn1(x)))))) + shortcut(x);</li>
 *   <li>post-activation (the original ResNet): y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)).</li>
 * </ul>
 *
 * The first convolution carries the stride (padding 1 keeps the size at stride 1 and halves it,
 * rounding up, at stride 2). Owns its activation buffers, grown only when the batch grows; the
 * matrices it returns are live views, valid until its next call. The input given to
 * {@link #forward} must stay unmodified until {@link #backward}.
 */
public final class ResidualUnit implements Layer {
    private final ImageShape in;
    private final ImageShape out;
    private final boolean pre;
    private final Conv2D conv1;
    private final Conv2D conv2;
    /** The projection shortcut, or null for the identity. */
    private final Conv2D proj;
    private final BatchNorm bn1;
    private final BatchNorm bn2;

    private FMatrixRMaj x;
    // pre-activation: a1 = relu(bn1(x)) (in), h1 = conv1(a1), a2 = relu(bn2(h1)), y = conv2(a2) + shortcut
    // post-activation: h1 = conv1(x), a1 = relu(bn1(h1)), a2 = conv2(a1), y = relu(bn2(a2) + shortcut)
    private final FMatrixRMaj a1 = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj h1 = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj a2 = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj y = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj shortcut = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gOut = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gMid = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gAct = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gIn = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gShortcut = new FMatrixRMaj(1, 1);

    /**
     * @param name prefix of the parameter names ({@code name.conv1.w}, {@code name.bn1.gamma}, ...)
     * @param in the shape of one input example
     * @param channels output channels
     * @param stride 1, or 2 to downsample
     * @param preActivation the ordering (see the class comment)
     */
    public ResidualUnit(String name, ImageShape in, int channels, int stride, boolean preActivation,
                        RandomGenerator rng) {
        this.in = in;
        this.pre = preActivation;
        conv1 = new Conv2D(name + ".conv1", in, channels, 3, stride, 1, rng);
        out = conv1.outShape();
        conv2 = new Conv2D(name + ".conv2", out, channels, 3, 1, 1, rng);
        proj = stride != 1 || channels != in.channels() ? new Conv2D(name + ".proj", in, channels, 1, stride, 0, rng) : null;
        bn1 = new BatchNorm(name + ".bn1", preActivation ? in : out);
        bn2 = new BatchNorm(name + ".bn2", out);
    }

    public ImageShape inShape() {
        return in;
    }

    public ImageShape outShape() {
        return out;
    }

    /** Whether the shortcut is a 1 x 1 projection rather than the identity. */
    public boolean projects() {
        return proj != null;
    }

    /** Multiply-adds of one example's forward pass (convolutions only). */
    public long macsPerExample() {
        return conv1.macsPerExample() + conv2.macsPerExample() + (proj == null ? 0 : proj.macsPerExample());
    }

    /**
     * The unit's output (B x outShape().size()) for x (B x inShape().size(), not modified); batch
     * norm in training or inference mode.
     */
    public FMatrixRMaj forward(FMatrixRMaj x, boolean training) {
        in.check("ResidualUnit input", x);
        this.x = x;
        int rows = x.numRows;
        h1.reshape(rows, out.size());
        a2.reshape(rows, out.size());
        y.reshape(rows, out.size());
        FMatrixRMaj sc = x;
        if (proj != null) {
            shortcut.reshape(rows, out.size());
            proj.forward(x, shortcut);
            sc = shortcut;
        }
        if (pre) {
            a1.reshape(rows, in.size());
            bn1.forward(x, a1, training);
            Activations.relu(a1);
            conv1.forward(a1, h1);
            bn2.forward(h1, a2, training);
            Activations.relu(a2);
            conv2.forward(a2, y);
            Activations.add(y, sc, y);
        } else {
            a1.reshape(rows, out.size());
            conv1.forward(x, h1);
            bn1.forward(h1, a1, training);
            Activations.relu(a1);
            conv2.forward(a1, a2);
            bn2.forward(a2, y, training);
            Activations.add(y, sc, y);
            Activations.relu(y);
        }
        return y;
    }

    /**
     * Back-propagates dL/dy of the last forward pass into the parameter gradients (overwriting
     * them) and returns dL/dx (a live view). gy not modified.
     */
    public FMatrixRMaj backward(FMatrixRMaj gy) {
        Activations.sameShape("ResidualUnit.backward", y, gy);
        int rows = gy.numRows;
        gMid.reshape(rows, out.size());
        gIn.reshape(rows, in.size());
        FMatrixRMaj g = gy;
        if (pre) {
            conv2.backward(a2, gy, gMid);
            Activations.reluBackward(a2, gMid);
            bn2.backward(h1, gMid, gMid);
            conv1.backward(a1, gMid, gIn);
            Activations.reluBackward(a1, gIn);
            bn1.backward(x, gIn, gIn);
        } else {
            gAct.reshape(rows, out.size());
            gOut.reshape(rows, out.size());
            Activations.copy(gy, gOut);
            Activations.reluBackward(y, gOut);
            g = gOut;
            bn2.backward(a2, gOut, gMid);
            conv2.backward(a1, gMid, gAct);
            Activations.reluBackward(a1, gAct);
            bn1.backward(h1, gAct, gAct);
            conv1.backward(x, gAct, gIn);
        }
        if (proj == null) {
            Activations.add(gIn, g, gIn);
        } else {
            gShortcut.reshape(rows, in.size());
            proj.backward(x, g, gShortcut);
            Activations.add(gIn, gShortcut, gIn);
        }
        return gIn;
    }

    @Override
    public List<Param> params() {
        List<Param> p = new ArrayList<>();
        if (pre) {
            p.addAll(bn1.params());
            p.addAll(conv1.params());
            p.addAll(bn2.params());
            p.addAll(conv2.params());
        } else {
            p.addAll(conv1.params());
            p.addAll(bn1.params());
            p.addAll(conv2.params());
            p.addAll(bn2.params());
        }
        if (proj != null) {
            p.addAll(proj.params());
        }
        return p;
    }

    @Override
    public List<Param> buffers() {
        List<Param> p = new ArrayList<>(bn1.buffers());
        p.addAll(bn2.buffers());
        return p;
    }
}
