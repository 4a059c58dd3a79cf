package org.grmodelfree.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sweep's grid file (YAML, or JSON, which is YAML too): {@code train} holds the {@code train}
 * flags every cell shares, {@code axes} the flags that vary (each a list of values, or an integer
 * range {@code "1..200"}), and {@code measure} what each cell measures after training
 * ({@code curve-snr-db}, {@code test-messages}, {@code max-messages}). A flag is written without
 * its dashes ({@code snr-db} or {@code snr_db}); {@code true} gives a switch such as {@code paper},
 * {@code false} leaves it out. Every combination of the axes' values is a cell, the first axis
 * varying slowest.
 *
 * <pre>
 * name: paper-comparison
 * train: {paper: true, iterations: 500}
 * axes:
 *   channel: [awgn, rbf]
 *   method: [alternating, supervised]
 *   seed: 1..200
 * measure: {test-messages: 0}
 * </pre>
 *
 * @param name the grid's name (titles of plots), the file's name without extension when not given
 * @param train flags every cell shares, in the file's order
 * @param axes each varying flag's values, in the file's order
 * @param measure the measurement flags
 */
public record Grid(String name, LinkedHashMap<String, String> train, LinkedHashMap<String, List<String>> axes,
                   LinkedHashMap<String, String> measure) {

    /** The keys of the measure section, as flags. */
    public static final List<String> MEASURE_FLAGS = List.of("curve-snr-db", "test-messages", "max-messages");
    private static final Set<String> SECTIONS = Set.of("name", "train", "axes", "measure");
    private static final Pattern RANGE = Pattern.compile("\\s*(-?\\d+)\\s*\\.\\.\\s*(-?\\d+)\\s*");
    /** More cells than this is surely a mistake in the file (and more results than one table holds well). */
    public static final int MAX_CELLS = 1_000_000;

    /** Reads a grid file; errors name the file and what is wrong. */
    public static Grid read(Path file) throws IOException {
        String text = Files.readString(file);
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not a YAML or JSON grid: " + firstLine(e.getMessage()));
        }
        String base = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        return of(root, base, file.toString());
    }

    /** A grid from its parsed tree; {@code where} names its source in errors. */
    static Grid of(JsonNode root, String defaultName, String where) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(where + ": a grid is a map with axes (and train, measure, name)");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!SECTIONS.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown section '" + k + "' (a grid has name, train,"
                        + " axes and measure)");
            }
        }
        String name = root.hasNonNull("name") ? root.get("name").asText() : defaultName;
        LinkedHashMap<String, String> train = flags(root.get("train"), where, "train");
        LinkedHashMap<String, String> measure = flags(root.get("measure"), where, "measure");
        for (String k : measure.keySet()) {
            if (!MEASURE_FLAGS.contains(k)) {
                throw new IllegalArgumentException(where + ": measure: '" + k + "' is not one of " + MEASURE_FLAGS);
            }
        }
        LinkedHashMap<String, List<String>> axes = new LinkedHashMap<>();
        JsonNode a = root.get("axes");
        if (a != null && !a.isNull()) {
            if (!a.isObject()) {
                throw new IllegalArgumentException(where + ": axes is a map of flag: [values]");
            }
            long cells = 1;
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String flag = flag(e.getKey());
                List<String> values = values(e.getValue(), where, flag);
                if (axes.put(flag, values) != null) {
                    throw new IllegalArgumentException(where + ": axis '" + flag + "' is given twice");
                }
                cells *= values.size();
                if (cells > MAX_CELLS) {
                    throw new IllegalArgumentException(where + ": the axes make more than " + MAX_CELLS + " cells");
                }
            }
        }
        for (String k : axes.keySet()) {
            if (train.containsKey(k) || measure.containsKey(k)) {
                throw new IllegalArgumentException(where + ": '" + k + "' is both an axis and a fixed flag");
            }
        }
        return new Grid(name, train, axes, measure);
    }

    /** Every combination of the axes' values (the first axis varying slowest), each in the axes' order. */
    public List<LinkedHashMap<String, String>> cells() {
        List<LinkedHashMap<String, String>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
            List<LinkedHashMap<String, String>> next = new ArrayList<>();
            for (LinkedHashMap<String, String> partial : out) {
                for (String v : axis.getValue()) {
                    LinkedHashMap<String, String> m = new LinkedHashMap<>(partial);
                    m.put(axis.getKey(), v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }

    /**
     * The command line of a cell's flags: {@code --flag value}, a switch alone for {@code true},
     * nothing for {@code false}.
     */
    public static List<String> commandLine(Map<String, String> flags) {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> e : flags.entrySet()) {
            String v = e.getValue();
            if (v.equalsIgnoreCase("false")) {
                continue;
            }
            args.add("--" + e.getKey());
            if (!v.equalsIgnoreCase("true")) {
                args.add(v);
            }
        }
        return args;
    }

    private static LinkedHashMap<String, String> flags(JsonNode n, String where, String section) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return m;
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException(where + ": " + section + " is a map of flag: value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new IllegalArgumentException(where + ": " + section + ": '" + e.getKey()
                        + "' needs one value (a list belongs under axes)");
            }
            m.put(flag(e.getKey()), e.getValue().asText());
        }
        return m;
    }

    private static List<String> values(JsonNode n, String where, String flag) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            for (JsonNode v : n) {
                if (!v.isValueNode() || v.isNull()) {
                    throw new IllegalArgumentException(where + ": axis '" + flag + "': values are numbers or words");
                }
                out.add(v.asText());
            }
        } else if (n.isTextual() && RANGE.matcher(n.asText()).matches()) {
            Matcher r = RANGE.matcher(n.asText());
            r.matches();
            long from = Long.parseLong(r.group(1));
            long to = Long.parseLong(r.group(2));
            if (to < from || to - from >= MAX_CELLS) {
                throw new IllegalArgumentException(where + ": axis '" + flag + "': range " + n.asText()
                        + " must go up, by at most " + MAX_CELLS + " values");
            }
            for (long v = from; v <= to; v++) {
                out.add(Long.toString(v));
            }
        } else if (n.isValueNode() && !n.isNull()) {
            out.add(n.asText());
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(where + ": axis '" + flag + "' has no values");
        }
        if (out.stream().distinct().count() < out.size()) {
            throw new IllegalArgumentException(where + ": axis '" + flag + "' repeats a value");
        }
        return out;
    }

    /** A key as a flag name: lower case, dashes ({@code snr_db} is {@code snr-db}), no leading dashes. */
    static String flag(String key) {
        return key.strip().replaceFirst("^-+", "").replace('_', '-').toLowerCase(Locale.ROOT);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
