package org.grmodelfree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The user documentation (README.md and docs/*.md) links only to files that exist, and to headings
 * that exist in them; and nothing in the repository refers to notes kept outside it.
 */
class DocsLinksTest {
    /** {@code [text](target)} and {@code ![alt](target)}, with an optional title after the target. */
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");

    /** Names that must not appear; spelled in pieces so that this file does not contain them. */
    private static final List<String> FORBIDDEN = List.of(
            "DESIGN" + ".md", "STYLE" + ".md", "GNURADIO" + ".md", ".." + "/shared");
    /** Where the forbidden names are looked for, relative to the repository root. */
    private static final List<String> SCANNED = List.of(
            "README.md", "docs", "src", "python", "cmake", "CMakeLists.txt", "grc", "flowgraphs", "tools", "modelfree");

    private final Map<Path, Set<String>> anchorCache = new HashMap<>();

    @Test
    void relativeLinksAndAnchorsResolve() throws IOException {
        Path root = repositoryRoot();
        List<Path> docs = markdownFiles(root);
        assertTrue(docs.size() > 1, "expected README.md and docs/*.md under " + root);
        List<String> problems = new ArrayList<>();
        for (Path md : docs) {
            problems.addAll(brokenLinks(root, md));
        }
        assertEquals(List.of(), problems, "broken links in the documentation:\n" + String.join("\n", problems));
    }

    @Test
    void noMentionOfNotesOutsideTheRepository() throws IOException {
        Path root = repositoryRoot();
        List<String> problems = new ArrayList<>();
        for (String place : SCANNED) {
            Path p = root.resolve(place);
            if (!Files.exists(p)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(p)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    for (String name : FORBIDDEN) {
                        if (text.contains(name)) {
                            problems.add(root.relativize(f) + " mentions " + name);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void slugsFollowGitHubsRule() {
        assertEquals("zeromq-stream-blocks", slug("ZeroMQ stream blocks"));
        assertEquals("awgn-10-db-the-default-run", slug("AWGN, 10 dB: the default run"));
        assertEquals("train-writes", slug("`train` writes"));
        assertEquals("semantic-communication-rl-sinfony", slug("Semantic communication (RL-SINFONY)"));
        assertEquals("a_b--c", slug("A_b -c"));
    }

    /** The problems with md's links, one line each ("file:line: target: why"). */
    private List<String> brokenLinks(Path root, Path md) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> lines = Files.readAllLines(md, StandardCharsets.UTF_8);
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher m = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
            while (m.find()) {
                String target = m.group(1);
                String why = check(md, target);
                if (why != null) {
                    problems.add(root.relativize(md) + ":" + (i + 1) + ": " + target + ": " + why);
                }
            }
        }
        return problems;
    }

    /** Why target, linked from md, does not resolve; null when it does or is not checked. */
    private String check(Path md, String target) {
        String lower = target.toLowerCase();
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:")) {
            return null;
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? md : md.getParent().resolve(path).normalize();
        if (path.startsWith("/") || !Files.exists(file)) {
            return "no such file " + file;
        }
        if (anchor != null && file.getFileName().toString().endsWith(".md")) {
            if (!anchors(file).contains(anchor)) {
                return "no heading with anchor #" + anchor + " in " + file.getFileName();
            }
        }
        return null;
    }

    /** The anchors GitHub gives the headings of md (a repeated slug gets -1, -2, ...). */
    private Set<String> anchors(Path md) {
        return anchorCache.computeIfAbsent(md, f -> {
            Set<String> found = new LinkedHashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            boolean fenced = false;
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines) {
                if (line.stripLeading().startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                Matcher h = fenced ? null : HEADING.matcher(line);
                if (h == null || !h.matches()) {
                    continue;
                }
                String s = slug(h.group(2));
                int n = seen.merge(s, 1, Integer::sum) - 1;
                found.add(n == 0 ? s : s + "-" + n);
            }
            return found;
        });
    }

    /**
     * GitHub's heading anchor: the heading's text (links and emphasis markers removed), lower-case,
     * every character but letters, digits, '-', '_' and spaces dropped, and spaces turned into '-'.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("[`*]", "");
        StringBuilder s = new StringBuilder();
        for (char c : text.toLowerCase().toCharArray()) {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                s.append(c);
            } else if (c == ' ') {
                s.append('-');
            }
        }
        return s.toString();
    }

    private static List<Path> markdownFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> s = Files.walk(docs)) {
                s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    /** The repository root: the working directory (Maven's base directory) or the nearest parent with pom.xml. */
    private static Path repositoryRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("pom.xml")) && Files.isRegularFile(d.resolve("README.md"))) {
                return d;
            }
        }
        throw new IllegalStateException("no repository root (pom.xml and README.md) at or above " + dir);
    }
}
