package org.grmodelfree.gnuradio;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ./modelfree gr-setup [--undo]} does: the out-of-tree install for one user, in one
 * command, without root. It runs the repository's CMake project (CMakeLists.txt) with the prefix
 * {@code ~/.local} and the jar the launcher has built: {@code cmake --install} puts the package
 * {@code gnuradio.modelfree} into the user site-packages of Debian's /usr/bin/python3, the block
 * YAML into {@code ~/.local/share/gnuradio/grc/blocks} and the jar into
 * {@code ~/.local/share/gr-modelfree}. Then it adds that YAML folder to {@code local_blocks_path}
 * in the {@code [grc]} section of GNU Radio's user configuration ({@code $GR_PREFS_PATH/config.conf},
 * by default {@code ~/.gnuradio/config.conf}), next to any folders already there, since GNU Radio
 * Companion searches only /usr/share's and /usr/local/share's block folders by itself (no entry is
 * added for those two prefixes). {@code --undo} runs the CMake project's uninstall target (from
 * install_manifest.txt in the build folder) and removes the folder from the list (the key, and
 * the section, when nothing else is left in them). Both also take back what the earlier gr-setup
 * made (the repository's grc/ in the list and a gr_modelfree.pth file), so no block is found twice.
 */
public final class GrSetup {
    public static final String SECTION = "grc";
    public static final String KEY = "local_blocks_path";
    /** The .pth file of the earlier gr-setup, which put the repository's blocks/ on Python's path. */
    public static final String LEGACY_PTH = "gr_modelfree.pth";
    /** Where under a prefix the block YAML goes (CMakeLists.txt's GRC_BLOCKS_DIR). */
    public static final String GRC_BLOCKS_DIR = "share/gnuradio/grc/blocks";
    /** Prefixes whose block folder GNU Radio Companion searches without configuration (global_blocks_path). */
    static final List<Path> GLOBAL_PREFIXES = List.of(Path.of("/usr"), Path.of("/usr/local"));

    private GrSetup() {
    }

    /** The default prefix of a user install: ~/.local (the user base of Python and of the XDG folders). */
    public static Path defaultPrefix() {
        return home().resolve(".local");
    }

    /**
     * Installs (or, with undo, uninstalls) the module of the repository at home for the current
     * user, with CMake in build, and reports each step on out.
     *
     * @param prefix the install prefix (null: {@link #defaultPrefix}); ignored by undo, which takes
     *               the prefix the build folder was configured with
     * @param config GNU Radio's configuration file (null: {@link #defaultConfig})
     * @param jar the built jar to install (not used by undo)
     */
    public static void apply(Path home, Path prefix, Path config, Path jar, Path build, boolean undo,
                             PrintWriter out) throws IOException, InterruptedException {
        if (!Files.isRegularFile(home.resolve("CMakeLists.txt")) || !Files.isDirectory(home.resolve("grc"))) {
            throw new IllegalStateException("no CMakeLists.txt and grc/ under " + home
                    + ": run gr-setup through the repository's ./modelfree");
        }
        Path conf = config != null ? config : defaultConfig();
        Path manifest = build.resolve("install_manifest.txt");
        if (undo) {
            Path installed = configuredPrefix(build);
            if (Files.exists(manifest)) {
                cmake(out, "--build", build.toString(), "--target", "uninstall");
                out.println("uninstalled what " + manifest + " lists");
            } else {
                out.println("nothing to uninstall: no " + manifest);
            }
            if (installed != null) {
                Path blocks = installed.resolve(GRC_BLOCKS_DIR);
                out.println(removePath(conf, blocks.toString()) ? "removed " + blocks + " from [" + SECTION + "] "
                        + KEY + " in " + conf : "[" + SECTION + "] " + KEY + " in " + conf + " did not name " + blocks);
            }
            removeLegacy(home, conf, out);
        } else {
            Path p = (prefix != null ? prefix : defaultPrefix()).toAbsolutePath().normalize();
            if (jar == null || !Files.isRegularFile(jar)) {
                throw new IllegalStateException("no built jar " + jar + ": build it with " + home.resolve("modelfree")
                        + " build");
            }
            cmake(out, "-S", home.toString(), "-B", build.toString(), "-DCMAKE_INSTALL_PREFIX=" + p,
                    "-DMODELFREE_JAR=" + jar.toAbsolutePath());
            cmake(out, "--install", build.toString());
            out.println("installed into " + p + " (the files are listed in " + manifest + ")");
            Path blocks = p.resolve(GRC_BLOCKS_DIR);
            if (GLOBAL_PREFIXES.contains(p)) {
                out.println("GNU Radio Companion searches " + blocks + " by itself: " + conf + " is left as it was");
            } else {
                boolean changed = addPath(conf, blocks.toString());
                out.println((changed ? "added " : "already there: ") + blocks + " to [" + SECTION + "] " + KEY
                        + " in " + conf);
            }
            removeLegacy(home, conf, out);
            out.println("gnuradio-companion now lists the blocks under [Model-free], and generated flowgraphs import"
                    + " gnuradio.modelfree; undo with ./modelfree gr-setup --undo");
        }
        out.flush();
    }

    /** Runs cmake with args; its output goes to out only when it fails, in the exception. */
    private static void cmake(PrintWriter out, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("cmake");
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("gr-setup needs CMake: sudo apt-get install -y cmake");
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + log.strip());
        }
    }

    /** The CMAKE_INSTALL_PREFIX a build folder was configured with (null: none there). */
    static Path configuredPrefix(Path build) throws IOException {
        Path cache = build.resolve("CMakeCache.txt");
        if (!Files.exists(cache)) {
            return null;
        }
        for (String l : Files.readAllLines(cache, StandardCharsets.UTF_8)) {
            if (l.startsWith("CMAKE_INSTALL_PREFIX:")) {
                return Path.of(l.substring(l.indexOf('=') + 1).strip());
            }
        }
        return null;
    }

    /** Takes back the earlier gr-setup's changes: home/grc in the list, and its .pth file naming home/blocks. */
    private static void removeLegacy(Path home, Path conf, PrintWriter out) throws IOException, InterruptedException {
        Path grc = home.resolve("grc");
        if (removePath(conf, grc.toString())) {
            out.println("removed the repository's " + grc + " from [" + SECTION + "] " + KEY + " in " + conf);
        }
        Path pth = userSite().resolve(LEGACY_PTH);
        if (Files.isRegularFile(pth) && Files.readString(pth, StandardCharsets.UTF_8).strip()
                .equals(home.resolve("blocks").toString())) {
            Files.delete(pth);
            out.println("deleted " + pth + " (it put the repository's old blocks/ on Python's path)");
        }
    }

    private static Path home() {
        String h = System.getenv("HOME");
        return Path.of(h != null && !h.isEmpty() ? h : System.getProperty("user.home"));
    }

    /** $GR_PREFS_PATH/config.conf, else ~/.gnuradio/config.conf (as GNU Radio looks for it). */
    public static Path defaultConfig() {
        String prefs = System.getenv("GR_PREFS_PATH");
        if (prefs != null && !prefs.isEmpty()) {
            return Path.of(prefs, "config.conf");
        }
        return home().resolve(".gnuradio").resolve("config.conf");
    }

    /** The user site-packages folder of Debian's Python (it follows $HOME). */
    public static Path userSite() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(GnuRadio.PYTHON, "-c", "import site; print(site.getusersitepackages())")
                .redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || s.isEmpty()) {
            throw new IllegalStateException("cannot ask " + GnuRadio.PYTHON + " for its user site-packages folder: " + s);
        }
        return Path.of(s);
    }

    /** Adds folder to the key's list (':'-separated) in the section; false when it was there. */
    public static boolean addPath(Path conf, String folder) throws IOException {
        List<String> lines = Files.exists(conf) ? Files.readAllLines(conf, StandardCharsets.UTF_8) : new ArrayList<>();
        int[] at = find(lines);
        if (at[1] >= 0) {
            List<String> paths = paths(lines.get(at[1]));
            if (paths.contains(folder)) {
                return false;
            }
            paths.add(folder);
            lines.set(at[1], KEY + " = " + String.join(":", paths));
        } else if (at[0] >= 0) {
            lines.add(at[0] + 1, KEY + " = " + folder);
        } else {
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                lines.add("");
            }
            lines.add("[" + SECTION + "]");
            lines.add(KEY + " = " + folder);
        }
        Files.createDirectories(conf.toAbsolutePath().getParent());
        Files.write(conf, lines, StandardCharsets.UTF_8);
        return true;
    }

    /** Removes folder from the key's list (the key, then the section, when left empty); false when absent. */
    public static boolean removePath(Path conf, String folder) throws IOException {
        if (!Files.exists(conf)) {
            return false;
        }
        List<String> lines = Files.readAllLines(conf, StandardCharsets.UTF_8);
        int[] at = find(lines);
        if (at[1] < 0) {
            return false;
        }
        List<String> paths = paths(lines.get(at[1]));
        if (!paths.remove(folder)) {
            return false;
        }
        if (!paths.isEmpty()) {
            lines.set(at[1], KEY + " = " + String.join(":", paths));
        } else {
            lines.remove(at[1]);
            int end = at[0] + 1;
            while (end < lines.size() && !lines.get(end).strip().startsWith("[")) {
                if (!lines.get(end).isBlank()) {
                    end = -1;
                    break;
                }
                end++;
            }
            if (end >= 0) { // the section holds nothing else: remove it and the blank lines after it
                lines.subList(at[0], end).clear();
                while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
                    lines.remove(lines.size() - 1);
                }
            }
        }
        Files.write(conf, lines, StandardCharsets.UTF_8);
        return true;
    }

    /** Line of the [grc] header and of its key (-1: none). */
    private static int[] find(List<String> lines) {
        int section = -1;
        int key = -1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.startsWith("[")) {
                if (section >= 0) {
                    break;
                }
                if (l.equals("[" + SECTION + "]")) {
                    section = i;
                }
            } else if (section >= 0 && l.matches(KEY + "\\s*[=:].*")) {
                key = i;
            }
        }
        return new int[] {section, key};
    }

    private static List<String> paths(String line) {
        String v = line.substring(line.indexOf(line.contains("=") ? '=' : ':') + 1).strip();
        List<String> l = new ArrayList<>();
        for (String p : v.split(":")) {
            if (!p.isBlank()) {
                l.add(p.strip());
            }
        }
        return l;
    }
}
