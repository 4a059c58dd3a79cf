package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.grmodelfree.gnuradio.GnuRadio;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python package's GNU Radio QA tests (python/gnuradio/modelfree/qa_*.py, gr_unittest) run by
 * Debian's Python with GNU Radio (installed as in {@link FlowgraphTest}): one test per qa file, which
 * must exit 0 and report every one of its test methods run, OK (an emptied file cannot pass). The
 * block processes run from the classes under test through a launcher script (MODELFREE_LAUNCHER),
 * not from target/gr-modelfree.jar, which Maven packages only after the tests.
 */
class PythonQaTest {
    private static final Path PACKAGE = Path.of("python", "gnuradio", "modelfree");
    private static final Pattern RAN = Pattern.compile("(?m)^Ran (\\d+) tests? in ");
    private static final Pattern TEST_METHOD = Pattern.compile("(?m)^    def (test_\\w+)\\(self");

    static Path launcher;
    static Path home;

    @BeforeAll
    static void gnuRadio(@TempDir Path tmp) throws Exception {
        FlowgraphTest.gnuRadio(tmp);
        // As FlowgraphTest's launcher, and with MODELFREE_JAVA_OPTS (the bridge's per-block JVM options).
        launcher = tmp.resolve("modelfree-qa");
        Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' --add-modules jdk.incubator.vector -Djava.awt.headless=true $MODELFREE_JAVA_OPTS -cp '"
                + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        home = Files.createDirectories(tmp.resolve("home"));
    }

    @TestFactory
    Stream<DynamicTest> every_qa_file_passes(@TempDir Path tmp) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(PACKAGE)) {
            files = s.filter(f -> f.getFileName().toString().matches("qa_\\w+\\.py")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no qa_*.py in " + PACKAGE);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            long expected = TEST_METHOD.matcher(Files.readString(f)).results().count();
            assertTrue(expected > 0, f + " has no test methods");
            ProcessBuilder pb = new ProcessBuilder(GnuRadio.PYTHON, "-u", f.toAbsolutePath().toString())
                    .directory(tmp.toFile()).redirectErrorStream(true);
            pb.environment().put("PYTHONPATH", Path.of("python").toAbsolutePath().toString());
            pb.environment().put("HOME", home.toString());
            pb.environment().put("MODELFREE_LAUNCHER", launcher.toString());
            pb.environment().remove("MODELFREE_JAR");
            pb.environment().remove("MODELFREE_RUN_DIR");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = p.waitFor();
            assertEquals(0, status, f + " failed:\n" + out);
            Matcher ran = RAN.matcher(out);
            assertTrue(ran.find(), f + " reported no test run:\n" + out);
            assertEquals(expected, Long.parseLong(ran.group(1)), "tests run by " + f + ":\n" + out);
            assertTrue(Pattern.compile("(?m)^OK\\b").matcher(out).find(), f + " did not report OK:\n" + out);
        }));
    }
}
