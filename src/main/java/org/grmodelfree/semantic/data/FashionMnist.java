package org.grmodelfree.semantic.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017) from Debian's package {@code dataset-fashion-mnist}:
 * 60 000 training and 10 000 test images of 28 x 28 pixels in ten classes of clothing, as four
 * gzip-compressed IDX files ({@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz},
 * {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}) in
 * {@value #DEBIAN_DIR}. The environment variable {@value #ENV} names another folder holding the
 * same files, gzip-compressed or not.
 */
public final class FashionMnist {
    /** Where Debian's package puts the files ({@code dpkg -L dataset-fashion-mnist}). */
    public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
    /** Environment variable naming a folder to read instead of {@value #DEBIAN_DIR}. */
    public static final String ENV = "MODELFREE_FASHION_MNIST";
    /** The one command that installs the files. */
    public static final String INSTALL_COMMAND = "sudo apt-get install -y dataset-fashion-mnist";
    /** Image height and width. */
    public static final int SIDE = 28;
    /** The class names, indexed by label (the data set's own). */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The two parts the data set comes in, by the prefix of their file names. */
    public enum Part {
        /** 60 000 images. */
        TRAIN("train"),
        /** 10 000 images. */
        TEST("t10k");

        private final String prefix;

        Part(String prefix) {
            this.prefix = prefix;
        }

        /** The file-name prefix, {@code train} or {@code t10k}. */
        public String prefix() {
            return prefix;
        }
    }

    private FashionMnist() {
    }

    /** All images of one part, from the installed package. */
    public static Dataset load(Part part) throws IOException {
        return load(part, Integer.MAX_VALUE);
    }

    /** The first {@code limit} images of one part, from the installed package. */
    public static Dataset load(Part part, int limit) throws IOException {
        return read(locate(), part, limit);
    }

    /**
     * The folder holding the IDX files: {@value #ENV} when set, otherwise {@value #DEBIAN_DIR}.
     *
     * @throws DatasetMissingException neither exists; the message names {@link #INSTALL_COMMAND}
     */
    public static Path locate() {
        return locate(System.getenv(), Path.of(DEBIAN_DIR));
    }

    static Path locate(Map<String, String> env, Path debianDir) {
        Path dir = Locations.override(env, ENV, Files::isDirectory, "a folder with Fashion-MNIST's IDX files",
                INSTALL_COMMAND);
        if (dir != null) {
            return dir;
        }
        if (Files.isDirectory(debianDir)) {
            return debianDir;
        }
        throw new DatasetMissingException("Fashion-MNIST not found: Debian's package dataset-fashion-mnist is not"
                + " installed (no " + debianDir + "). Install it with '" + INSTALL_COMMAND + "' (or set " + ENV
                + " to a folder holding its IDX files)", INSTALL_COMMAND);
    }

    /**
     * Reads the first {@code limit} images and labels of one part from a folder.
     *
     * @param dir   holds {@code <prefix>-images-idx3-ubyte[.gz]} and {@code <prefix>-labels-idx1-ubyte[.gz]}
     * @param limit the most images to read, {@link Integer#MAX_VALUE} for all
     * @throws DatasetFormatException a file is malformed, the images are not 28 x 28, the two files
     *                                declare different counts, or a label is not in [0, 10)
     * @throws DatasetMissingException a file is not in the folder
     */
    public static Dataset read(Path dir, Part part, int limit) throws IOException {
        Path imageFile = file(dir, part.prefix() + "-images-idx3-ubyte");
        Path labelFile = file(dir, part.prefix() + "-labels-idx1-ubyte");
        Idx.U8Array images = Idx.readU8(imageFile, limit);
        Idx.U8Array labels = Idx.readU8(labelFile, limit);
        int[] d = images.dims();
        if (d.length != 3 || d[1] != SIDE || d[2] != SIDE) {
            throw new DatasetFormatException(imageFile + ": expected images of " + SIDE + " x " + SIDE
                    + " pixels (dimensions [n, 28, 28]), found dimensions " + java.util.Arrays.toString(d));
        }
        if (labels.dims().length != 1) {
            throw new DatasetFormatException(labelFile + ": expected one label per item (one dimension), found "
                    + labels.dims().length + " dimensions");
        }
        if (images.declaredCount() != labels.declaredCount()) {
            throw new DatasetFormatException(imageFile + " declares " + images.declaredCount() + " images but "
                    + labelFile + " declares " + labels.declaredCount() + " labels");
        }
        byte[] raw = labels.data();
        int[] lb = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            lb[i] = raw[i] & 0xff;
            if (lb[i] >= CLASS_NAMES.size()) {
                throw new DatasetFormatException(labelFile + ": label " + lb[i] + " of item " + i
                        + " is not a class (0 to " + (CLASS_NAMES.size() - 1) + ")");
            }
        }
        return new Dataset("fashion-mnist/" + part.name().toLowerCase(java.util.Locale.ROOT), SIDE, SIDE,
                images.data(), lb, CLASS_NAMES);
    }

    private static Path file(Path dir, String stem) {
        for (String name : List.of(stem + ".gz", stem)) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new DatasetMissingException("Fashion-MNIST: " + dir + " has no " + stem + ".gz (nor " + stem
                + "); reinstall the files with '" + INSTALL_COMMAND + "'", INSTALL_COMMAND);
    }
}
