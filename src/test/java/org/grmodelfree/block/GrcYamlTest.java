package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.grmodelfree.launch.Blocks;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every GRC block file in grc/ against the block it wraps: the YAML's parameters, defaults, limits,
 * options and ports are the ones the block declares in its SPEC (docs/architecture.md: one declaration, the
 * YAML checked against it), the make template passes every parameter to the Python class of the
 * same name in python/gnuradio/modelfree, and the file follows GNU Radio's conventions.
 */
class GrcYamlTest {
    /**
     * Parameters the Python bridge sets itself: PDUs on message ports, raw complex64 on streams;
     * and so no CURVE, which GNU Radio's ZeroMQ message blocks do not have (docs/security.md).
     */
    private static final Set<String> BRIDGE_OWNED = Set.of("msg_format", "pass_tags", "curve_secret", "curve_clients",
            "curve_servers");
    /** Parameters only the bridge has. */
    private static final List<String> BRIDGE_ONLY = List.of("attach");
    private static final Path GRC = Path.of("grc");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static String pythonName(BlockSpec spec) {
        return spec.name().replace('-', '_');
    }

    static Path yamlFile(BlockSpec spec) {
        return GRC.resolve("modelfree_" + pythonName(spec) + ".block.yml");
    }

    /**
     * The blocks GNU Radio users place: all but the test channel, for which GNU Radio has its own
     * (the link's blocks and the semantic system's).
     */
    static List<BlockSpec> wrapped() {
        List<BlockSpec> l = new ArrayList<>();
        for (Blocks.Entry e : Blocks.ALL) {
            if (e.spec() != ChannelBlock.SPEC) {
                l.add(e.spec());
            }
        }
        return l;
    }

    /** GRC's category of a block: the semantic system's blocks have their own. */
    static String category(BlockSpec spec) {
        return spec.name().startsWith("semantic-") ? "[Model-free Semantic]" : "[Model-free]";
    }

    @Test
    void every_yaml_file_wraps_a_declared_block() throws IOException {
        Set<Path> expected = new LinkedHashSet<>();
        wrapped().forEach(s -> expected.add(yamlFile(s)));
        try (Stream<Path> files = Files.list(GRC)) {
            Set<Path> found = new LinkedHashSet<>(files.filter(f -> f.toString().endsWith(".block.yml")).sorted().toList());
            assertEquals(expected, found, "grc/ must hold exactly one .block.yml per wrapped block");
        }
    }

    @TestFactory
    Stream<DynamicTest> yaml_matches_the_block_declaration() {
        return wrapped().stream().map(spec -> DynamicTest.dynamicTest(spec.name(), () -> check(spec)));
    }

    @SuppressWarnings("unchecked")
    private static void check(BlockSpec spec) throws IOException {
        Path file = yamlFile(spec);
        String text = Files.readString(file);
        Map<String, Object> y = YAML.readValue(text, Map.class);
        Map<String, Object> d = spec.describe();
        String where = file + ": ";

        assertEquals("modelfree_" + pythonName(spec), y.get("id"), where + "id must equal the file stem");
        assertEquals(d.get("label"), y.get("label"), where + "label");
        assertEquals(category(spec), y.get("category"), where + "category");
        List<String> keys = new ArrayList<>(y.keySet());
        assertEquals("file_format", keys.get(keys.size() - 1), where + "file_format comes last");
        assertEquals(1, y.get("file_format"), where + "file_format");

        List<Map<String, Object>> declared = new ArrayList<>();
        for (Map<String, Object> p : (List<Map<String, Object>>) d.get("parameters")) {
            if (!BRIDGE_OWNED.contains((String) p.get("id"))) {
                declared.add(p);
            }
        }
        List<Map<String, Object>> params = (List<Map<String, Object>>) y.get("parameters");
        List<String> ids = params.stream().map(p -> (String) p.get("id")).toList();
        List<String> want = new ArrayList<>(declared.stream().map(p -> (String) p.get("id")).toList());
        want.addAll(BRIDGE_ONLY);
        assertEquals(want, ids, where + "parameters, in declaration order, then the bridge's");

        List<String> asserts = (List<String>) y.getOrDefault("asserts", List.of());
        String make = (String) ((Map<String, Object>) y.get("templates")).get("make");
        assertEquals("from gnuradio import modelfree", ((Map<String, Object>) y.get("templates")).get("imports"), where + "imports");
        assertTrue(make.startsWith("modelfree." + pythonName(spec) + "("), where + "make builds modelfree."
                + pythonName(spec) + ": " + make);
        for (String id : ids) {
            assertTrue(make.contains(id + "=${" + id + "}"), where + "make passes " + id + ": " + make);
        }
        for (Map<String, Object> p : declared) {
            String id = (String) p.get("id");
            Map<String, Object> yp = params.get(ids.indexOf(id));
            String pw = where + "parameter " + id + ": ";
            assertEquals(p.get("label"), yp.get("label"), pw + "label");
            boolean advanced = Boolean.TRUE.equals(p.get("advanced"));
            assertEquals(advanced ? "Advanced" : null, yp.get("category"), pw + "advanced settings go under Advanced");
            String def = String.valueOf(yp.get("default"));
            switch ((String) p.get("dtype")) {
                case "int" -> {
                    assertEquals("int", yp.get("dtype"), pw + "dtype");
                    assertEquals(((Number) p.get("default")).longValue(), Long.parseLong(def), pw + "default");
                }
                case "real" -> {
                    assertEquals("real", yp.get("dtype"), pw + "dtype");
                    assertEquals(((Number) p.get("default")).doubleValue(), Double.parseDouble(def), 0, pw + "default");
                }
                case "enum" -> {
                    List<String> options = (List<String>) p.get("options");
                    if (yp.get("dtype").equals("string")) {
                        // a string a flowgraph can bind to its own parameter, limited by an assert
                        assertEquals(p.get("default"), def, pw + "default");
                        assertTrue(asserts.contains("${ " + id + " in (" + String.join(", ",
                                options.stream().map(o -> "'" + o + "'").toList()) + ") }"), pw + "assert on options");
                    } else {
                        assertEquals("enum", yp.get("dtype"), pw + "dtype");
                        assertEquals("\"" + p.get("default") + "\"", def, pw + "default");
                        assertEquals(options.stream().map(o -> "\"" + o + "\"").toList(), yp.get("options"),
                                pw + "options");
                    }
                }
                case "string" -> {
                    assertTrue(Set.of("string", "file_open", "file_save").contains(yp.get("dtype")), pw + "dtype");
                    assertEquals(p.get("default"), def, pw + "default");
                }
                case "bool" -> {
                    assertEquals("bool", yp.get("dtype"), pw + "dtype");
                    assertEquals(Boolean.TRUE.equals(p.get("default")) ? "True" : "False", def, pw + "default");
                }
                default -> throw new AssertionError(pw + "unknown dtype " + p.get("dtype"));
            }
            if (p.get("min") != null) {
                assertTrue(hasBound(asserts, id, ">=", ((Number) p.get("min")).doubleValue()), pw + "assert on min");
            }
            if (p.get("max") != null) {
                assertTrue(hasBound(asserts, id, "<=", ((Number) p.get("max")).doubleValue()), pw + "assert on max");
            }
        }

        // run-time parameters, and only they, have GRC callbacks, in declaration order
        List<String> callbacks = new ArrayList<>();
        declared.stream().filter(p -> Boolean.TRUE.equals(p.get("runtime")))
                .forEach(p -> callbacks.add("set_" + p.get("id") + "(${" + p.get("id") + "})"));
        assertEquals(callbacks, ((Map<String, Object>) y.get("templates")).getOrDefault("callbacks", List.of()),
                where + "templates.callbacks: set_<id>(${<id>}) for each run-time parameter");

        checkPorts(where + "inputs: ", (List<Map<String, Object>>) d.get("inputs"),
                (List<Map<String, Object>>) y.getOrDefault("inputs", List.of()));
        List<Map<String, Object>> outputs = new ArrayList<>((List<Map<String, Object>>) d.get("outputs"));
        for (String port : bridgeStatsPorts(spec)) {
            outputs.add(Map.of("id", port, "domain", "message", "optional", true));
        }
        checkPorts(where + "outputs (the block's, then the bridge's stats ports): ", outputs,
                (List<Map<String, Object>>) y.getOrDefault("outputs", List.of()));
    }

    /** The message outputs the Python bridge adds to a block: the keys of its class's STATS_PORTS. */
    static List<String> bridgeStatsPorts(BlockSpec spec) throws IOException {
        String py = Files.readString(Path.of("python", "gnuradio", "modelfree", "__init__.py"));
        Matcher cls = Pattern.compile("class " + pythonName(spec) + "\\(_JvmBlock\\):(.*?)(?=\\nclass |\\z)",
                Pattern.DOTALL).matcher(py);
        assertTrue(cls.find(), "python/gnuradio/modelfree/__init__.py has no class " + pythonName(spec));
        Matcher ports = Pattern.compile("STATS_PORTS = \\{([^}]*)}").matcher(cls.group(1));
        List<String> ids = new ArrayList<>();
        if (ports.find()) {
            Matcher id = Pattern.compile("\"(\\w+)\"\\s*:").matcher(ports.group(1));
            while (id.find()) {
                ids.add(id.group(1));
            }
        }
        return ids;
    }

    private static boolean hasBound(List<String> asserts, String id, String op, double bound) {
        Pattern p = Pattern.compile("\\$\\{ " + Pattern.quote(id) + " " + Pattern.quote(op) + " ([-0-9.eE+]+) }");
        for (String a : asserts) {
            Matcher m = p.matcher(a);
            if (m.matches() && Double.parseDouble(m.group(1)) == bound) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static void checkPorts(String where, List<Map<String, Object>> declared, List<Map<String, Object>> yaml) {
        assertEquals(declared.size(), yaml.size(), where + "port count");
        for (int i = 0; i < declared.size(); i++) {
            Map<String, Object> p = declared.get(i);
            Map<String, Object> yp = yaml.get(i);
            assertEquals(p.get("domain"), yp.get("domain"), where + "domain of " + p.get("id"));
            if ("stream".equals(p.get("domain"))) {
                assertEquals(p.get("id"), yp.get("label"), where + "stream port label");
                assertEquals(p.get("dtype"), yp.get("dtype"), where + "stream dtype of " + p.get("id"));
                boolean optional = Boolean.TRUE.equals(p.get("optional"));
                assertEquals(optional, Boolean.TRUE.equals(yp.get("optional")),
                        where + "optional flag of " + p.get("id"));
                if (optional) {
                    // GNU Radio allows no unconnected stream port in a hier_block2: the bridge builds an
                    // optional one only when its parameter enables it, and GRC shows it only then
                    Map<String, Object> e = (Map<String, Object>) p.get("enabled_by");
                    assertTrue(e != null, where + "optional stream port " + p.get("id") + " needs the parameter"
                            + " value that enables it (PortSpec.streamIn/streamOut with param and value)");
                    assertEquals("${ " + e.get("parameter") + " != '" + e.get("value") + "' }", yp.get("hide"),
                            where + "hide of " + p.get("id"));
                }
            } else {
                assertEquals(p.get("id"), yp.get("id"), where + "message port id");
                assertEquals(Boolean.TRUE.equals(p.get("optional")), Boolean.TRUE.equals(yp.get("optional")),
                        where + "optional flag of " + p.get("id"));
            }
        }
    }

    @Test
    void the_exploration_variance_and_freeze_are_the_run_time_parameters() {
        // the callbacks checked above exist for these; the receiver never sees s^2
        assertTrue(PolicySamplerBlock.SPEC.param("sigma2").runtime());
        assertTrue(TransmitterBlock.SPEC.param("sigma2").runtime());
        assertTrue(TransmitterBlock.SPEC.param("freeze").runtime());
        assertTrue(ReceiverBlock.SPEC.param("freeze").runtime());
        assertTrue(wrapped().stream().flatMap(s -> s.params().stream()).filter(ParamSpec::runtime)
                .allMatch(p -> p.id().equals("sigma2") || p.id().equals("freeze")),
                "a run-time parameter other than sigma2 and freeze: give its block a set()");
    }

    @Test
    void python_bridge_has_a_class_per_wrapped_block() throws IOException {
        String py = Files.readString(Path.of("python", "gnuradio", "modelfree", "__init__.py"));
        for (BlockSpec spec : wrapped()) {
            Pattern cls = Pattern.compile("class " + pythonName(spec) + "\\(_JvmBlock\\):\\s+\"\"\"[^\"]*\"\"\"\\s+BLOCK = \""
                    + Pattern.quote(spec.name()) + "\"");
            assertTrue(cls.matcher(py).find(), "python/gnuradio/modelfree/__init__.py has no class " + pythonName(spec)
                    + " with BLOCK = \"" + spec.name() + "\"");
        }
    }
}
