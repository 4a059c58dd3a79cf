package org.grmodelfree.semantic.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Labelled grey-scale images in memory: {@code size()} images of {@code height() x width()}
 * 8-bit pixels, row-major, each with a label in {@code [0, numClasses())} naming one of
 * {@link #classNames()}. Pixels are stored as the bytes the files hold and handed out as float32
 * {@code byte / 255}, so in [0, 1] (a 70 000-image set takes 55 MB instead of 220 MB).
 *
 * <p><b>Quadrants.</b> For the four agents of RL-SINFONY each image is split into four quadrants
 * of {@code height/2 x width/2} pixels (14 x 14 for 28 x 28 images), numbered
 * {@link #TOP_LEFT} (0), {@link #TOP_RIGHT} (1), {@link #BOTTOM_LEFT} (2) and
 * {@link #BOTTOM_RIGHT} (3); agent k sees quadrant k. A quadrant is copied row-major: element
 * {@code r * width/2 + c} is image pixel {@code (r + rowOffset, c + colOffset)}, the offsets being
 * 0 or {@code height/2}, 0 or {@code width/2}.
 *
 * <p>A data set never changes. The copy and gather methods write into the caller's buffer and
 * allocate nothing; {@link #subset}, {@link #sample} and {@link #split} make new data sets, each
 * from a seeded {@link Random}, so the same seed gives the same selection on every run.
 */
public final class Dataset {
    /** Quadrant numbers, in the order the agents take them. */
    public static final int TOP_LEFT = 0;
    public static final int TOP_RIGHT = 1;
    public static final int BOTTOM_LEFT = 2;
    public static final int BOTTOM_RIGHT = 3;
    /** Number of quadrants (agents). */
    public static final int QUADRANTS = 4;

    private static final float[] LEVELS = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            LEVELS[v] = v / 255f;
        }
    }

    private final String name;
    private final int height;
    private final int width;
    private final byte[] pixels;
    private final int[] labels;
    private final List<String> classNames;

    /** A data set that takes ownership of the arrays (the readers'; they must not change after). */
    Dataset(String name, int height, int width, byte[] pixels, int[] labels, List<String> classNames) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + height + " x " + width);
        }
        if ((long) labels.length * height * width != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + pixels.length + " pixels for "
                    + height + " x " + width + " images");
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("at least one class name is needed");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, "
                        + classNames.size() + ")");
            }
        }
        this.name = Objects.requireNonNull(name);
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * A data set of copies of the given arrays.
     *
     * @param pixels     {@code labels.length * height * width} unsigned 8-bit pixels, image after
     *                   image, row-major; not modified
     * @param labels     one label per image, each in {@code [0, classNames.size())}; not modified
     * @param classNames the name of each class
     */
    public static Dataset of(String name, int height, int width, byte[] pixels, int[] labels,
                             List<String> classNames) {
        return new Dataset(name, height, width, pixels.clone(), labels.clone(), classNames);
    }

    /** What the data set is, e.g. {@code fashion-mnist/train}. */
    public String name() {
        return name;
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** {@code height() * width()}. */
    public int pixelsPerImage() {
        return height * width;
    }

    /** {@code (height()/2) * (width()/2)}: the pixels one agent sees. */
    public int pixelsPerQuadrant() {
        return (height / 2) * (width / 2);
    }

    /** The class names, indexed by label. */
    public List<String> classNames() {
        return classNames;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** The label of image {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** How many images each class has, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    /** Pixel {@code (row, col)} of image {@code i}, in [0, 1]. */
    public float pixel(int i, int row, int col) {
        Objects.checkIndex(i, size());
        Objects.checkIndex(row, height);
        Objects.checkIndex(col, width);
        return LEVELS[pixels[(i * height + row) * width + col] & 0xff];
    }

    /**
     * Copies image {@code i} as floats in [0, 1], row-major.
     *
     * @param out    receives {@code pixelsPerImage()} floats from {@code offset}; modified
     * @return {@code out}
     */
    public float[] copyImage(int i, float[] out, int offset) {
        Objects.checkIndex(i, size());
        Objects.checkFromIndexSize(offset, pixelsPerImage(), out.length);
        int src = i * pixelsPerImage();
        for (int k = 0; k < pixelsPerImage(); k++) {
            out[offset + k] = LEVELS[pixels[src + k] & 0xff];
        }
        return out;
    }

    /**
     * Copies one quadrant of image {@code i} (see the class comment for numbering and layout).
     *
     * @param quadrant {@link #TOP_LEFT}, {@link #TOP_RIGHT}, {@link #BOTTOM_LEFT} or {@link #BOTTOM_RIGHT}
     * @param out      receives {@code pixelsPerQuadrant()} floats in [0, 1] from {@code offset}; modified
     * @return {@code out}
     * @throws IllegalStateException the images have an odd height or width
     */
    public float[] copyQuadrant(int i, int quadrant, float[] out, int offset) {
        Objects.checkIndex(i, size());
        Objects.checkIndex(quadrant, QUADRANTS);
        if (height % 2 != 0 || width % 2 != 0) {
            throw new IllegalStateException(height + " x " + width + " images have no four equal quadrants");
        }
        int qh = height / 2;
        int qw = width / 2;
        Objects.checkFromIndexSize(offset, qh * qw, out.length);
        int src = i * pixelsPerImage() + (quadrant / 2) * qh * width + (quadrant % 2) * qw;
        for (int r = 0; r < qh; r++) {
            int s = src + r * width;
            int d = offset + r * qw;
            for (int c = 0; c < qw; c++) {
                out[d + c] = LEVELS[pixels[s + c] & 0xff];
            }
        }
        return out;
    }

    /**
     * One agent's batch: quadrant {@code quadrant} of images {@code indices[from .. from+count)},
     * one row of {@code pixelsPerQuadrant()} floats per image.
     *
     * @param indices image numbers, e.g. an epoch's permutation; not modified
     * @param out     receives {@code count * pixelsPerQuadrant()} floats from 0; modified
     * @return {@code out}
     */
    public float[] gatherQuadrant(int[] indices, int from, int count, int quadrant, float[] out) {
        Objects.checkFromIndexSize(from, count, indices.length);
        Objects.checkFromIndexSize(0, count * pixelsPerQuadrant(), out.length);
        for (int b = 0; b < count; b++) {
            copyQuadrant(indices[from + b], quadrant, out, b * pixelsPerQuadrant());
        }
        return out;
    }

    /**
     * The labels of images {@code indices[from .. from+count)}.
     *
     * @param out receives {@code count} labels from 0; modified
     * @return {@code out}
     */
    public int[] gatherLabels(int[] indices, int from, int count, int[] out) {
        Objects.checkFromIndexSize(from, count, indices.length);
        Objects.checkFromIndexSize(0, count, out.length);
        for (int b = 0; b < count; b++) {
            out[b] = labels[indices[from + b]];
        }
        return out;
    }

    /** All images as one new array of {@code size() * pixelsPerImage()} floats in [0, 1]. */
    public float[] toFloats() {
        float[] out = new float[pixels.length];
        for (int k = 0; k < pixels.length; k++) {
            out[k] = LEVELS[pixels[k] & 0xff];
        }
        return out;
    }

    /** The first {@code n} images (all when there are fewer). */
    public Dataset first(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        int m = Math.min(n, size());
        return new Dataset(name, height, width, Arrays.copyOf(pixels, m * pixelsPerImage()),
                Arrays.copyOf(labels, m), classNames);
    }

    /**
     * The images at {@code indices}, in that order (an index may repeat).
     *
     * @param indices image numbers; not modified
     */
    public Dataset subset(int[] indices) {
        int p = pixelsPerImage();
        byte[] px = new byte[indices.length * p];
        int[] lb = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], size());
            System.arraycopy(pixels, i * p, px, k * p, p);
            lb[k] = labels[i];
        }
        return new Dataset(name, height, width, px, lb, classNames);
    }

    /** {@code n} different images drawn at random (seeded), in the order drawn. */
    public Dataset sample(int n, long seed) {
        if (n < 0 || n > size()) {
            throw new IllegalArgumentException("cannot sample " + n + " of " + size() + " images");
        }
        int[] order = new int[size()];
        Arrays.setAll(order, i -> i);
        shuffleFront(order, n, new Random(seed));
        return subset(Arrays.copyOf(order, n));
    }

    /** A training part and a test part with no image in both. */
    public record Split(Dataset train, Dataset test) {
    }

    /**
     * Splits the data set in two, stratified: of each class, {@code round(testFraction * count)}
     * images chosen at random (seeded) go to the test part and the others to the training part.
     * Each part is in a seeded random order, so its first images mix the classes even when the
     * data set is sorted by class (as {@link Mnist}'s is).
     *
     * @param testFraction in [0, 1]
     */
    public Split split(double testFraction, long seed) {
        if (!(testFraction >= 0 && testFraction <= 1)) {
            throw new IllegalArgumentException("test fraction must be in [0, 1], got " + testFraction);
        }
        Random rng = new Random(seed);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses(); c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < size(); i++) {
            byClass.get(labels[i]).add(i);
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (List<Integer> members : byClass) {
            int[] m = members.stream().mapToInt(Integer::intValue).toArray();
            shuffleFront(m, m.length, rng);
            int nTest = (int) Math.round(testFraction * m.length);
            for (int k = 0; k < m.length; k++) {
                (k < nTest ? test : train).add(m[k]);
            }
        }
        return new Split(subset(shuffled(train, rng)), subset(shuffled(test, rng)));
    }

    private static int[] shuffled(List<Integer> indices, Random rng) {
        int[] a = indices.stream().mapToInt(Integer::intValue).toArray();
        shuffleFront(a, a.length, rng);
        return a;
    }

    /** Fisher-Yates on the first {@code n} positions: they become a uniform random draw from all of {@code a}. */
    private static void shuffleFront(int[] a, int n, Random rng) {
        for (int k = 0; k < n; k++) {
            swap(a, k, k + rng.nextInt(a.length - k));
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    @Override
    public String toString() {
        return name + ": " + size() + " images of " + height + " x " + width + ", " + numClasses() + " classes";
    }
}
