package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script ({@code ./modelfree}) and its JVM: a SIGTERM to the launcher's process stops
 * the JVM it started (forwarded, then waited for), so a block started by hand and stopped with
 * kill leaves nothing running. The script runs from a copy next to a jar whose manifest points at
 * the classes under test, so nothing is built.
 */
class LauncherSignalTest {

    /** A copy of the launcher in dir, with dir/target/gr-modelfree.jar running the classes under test. */
    static Path launcherWithTestJar(Path dir) throws IOException {
        Path launcher = dir.resolve("modelfree");
        Files.copy(Path.of("modelfree"), launcher, StandardCopyOption.COPY_ATTRIBUTES);
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        List<String> urls = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            urls.add(Path.of(e).toAbsolutePath().toUri().toString());
        }
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
        Path jar = Files.createDirectories(dir.resolve("target")).resolve("gr-modelfree.jar");
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o, m)) {
            j.flush();
        }
        return launcher;
    }

    @Test
    void sigterm_to_the_launcher_stops_its_jvm(@TempDir Path tmp) throws Exception {
        Path launcher = launcherWithTestJar(tmp);
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "block", "loss-feedback", "--exit-with-parent",
                "--in", "tcp://127.0.0.1:9", "--out", "tcp://127.0.0.1:0");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start(); // standard input stays open: the block runs until it is stopped
        ProcessHandle jvm = null;
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = err.readLine()) != null && !line.contains("output 'out' binds")) {
                seen.append(line).append('\n');
            }
            assertNotNull(line, "the block never bound its output:\n" + seen);
            assertFalse(seen.toString().contains("WARNING: Using incubator modules"), "the filter drops it: " + seen);
            jvm = p.toHandle().children().filter(c -> c.info().command().orElse("").endsWith("/java"))
                    .findFirst().orElse(null);
            assertNotNull(jvm, "no java child of the launcher");
            assertTrue(jvm.isAlive());

            p.toHandle().destroy(); // SIGTERM to the launcher's process only (Process.destroy would also close its stdin)
            for (int i = 0; i < 300 && jvm.isAlive(); i++) { // up to 30 s: the JVM's shutdown hook then ends it
                Thread.sleep(100);
            }
            assertFalse(jvm.isAlive(), "the JVM " + jvm.pid() + " outlived its launcher's SIGTERM");
            assertEquals(143, p.waitFor(), "the launcher exits with the JVM's status (128 + SIGTERM)");
            String rest = err.lines().collect(java.util.stream.Collectors.joining("\n"));
            assertTrue(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .contains("\"status\":\"stopped\""), "the block stopped cleanly; its log: " + rest);
        } finally {
            if (jvm != null) {
                jvm.destroyForcibly();
            }
            p.destroyForcibly();
        }
    }

    @Test
    void build_only_names_the_jar(@TempDir Path tmp) throws Exception {
        Path launcher = launcherWithTestJar(tmp);
        Process p = new ProcessBuilder(launcher.toString(), "build").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals(tmp.resolve("target/gr-modelfree.jar").toString(), out.strip());
    }
}
