package org.grmodelfree.gnuradio;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ./modelfree gr-setup [--undo]} does: makes the blocks visible to GNU Radio Companion and to
 * generated scripts for the current user, and takes that back. Two changes, nothing else:
 * <ul>
 *   <li>the repository's grc/ is added to {@code local_blocks_path} in the {@code [grc]} section
 *       of GNU Radio's user configuration ({@code $GR_PREFS_PATH/config.conf}, by default
 *       {@code ~/.gnuradio/config.conf}), next to any folders already there;</li>
 *   <li>a file {@code gr_modelfree.pth} naming the repository's blocks/ goes into the user
 *       site-packages folder of Debian's /usr/bin/python3, so {@code import modelfree} works there
 *       from any folder.</li>
 * </ul>
 * The blocks find the launcher from where their package lives (blocks/../modelfree), so
 * MODELFREE_LAUNCHER need not be set. {@code --undo} removes the folder from the list (the key,
 * and the section, when nothing else is left in them) and deletes the .pth file.
 */
public final class GrSetup {
    public static final String SECTION = "grc";
    public static final String KEY = "local_blocks_path";
    public static final String PTH = "gr_modelfree.pth";

    private GrSetup() {
    }

    /**
     * Makes the changes (or, with undo, takes them back) for the repository at home and reports each
     * on out.
     *
     * @param config GNU Radio's configuration file (null: {@link #defaultConfig})
     * @param site where the .pth file goes (null: {@link #userSite})
     */
    public static void apply(Path home, Path config, Path site, boolean undo, PrintWriter out)
            throws IOException, InterruptedException {
        Path grc = home.resolve("grc");
        Path blocks = home.resolve("blocks");
        if (!Files.isDirectory(grc) || !Files.isDirectory(blocks.resolve("modelfree"))) {
            throw new IllegalStateException("no grc/ and blocks/modelfree under " + home
                    + ": run gr-setup through the repository's ./modelfree");
        }
        Path conf = config != null ? config : defaultConfig();
        Path pth = (site != null ? site : userSite()).resolve(PTH);
        if (undo) {
            boolean changed = removePath(conf, grc.toString());
            boolean deleted = Files.deleteIfExists(pth);
            out.println((changed ? "removed " + grc + " from [" + SECTION + "] " + KEY + " in " + conf
                    : "[" + SECTION + "] " + KEY + " in " + conf + " did not name " + grc));
            out.println(deleted ? "deleted " + pth : "no " + pth);
        } else {
            boolean changed = addPath(conf, grc.toString());
            Files.createDirectories(pth.getParent());
            Files.writeString(pth, blocks + "\n", StandardCharsets.UTF_8);
            out.println((changed ? "added " : "already there: ") + grc + " to [" + SECTION + "] " + KEY + " in " + conf);
            out.println("wrote " + pth + " (puts " + blocks + " on " + GnuRadio.PYTHON + "'s path)");
            out.println("gnuradio-companion now lists the blocks under [Model-free]; undo with ./modelfree gr-setup --undo");
        }
        out.flush();
    }

    /** $GR_PREFS_PATH/config.conf, else ~/.gnuradio/config.conf (as GNU Radio looks for it). */
    public static Path defaultConfig() {
        String prefs = System.getenv("GR_PREFS_PATH");
        if (prefs != null && !prefs.isEmpty()) {
            return Path.of(prefs, "config.conf");
        }
        String h = System.getenv("HOME");
        return Path.of(h != null && !h.isEmpty() ? h : System.getProperty("user.home"), ".gnuradio", "config.conf");
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
