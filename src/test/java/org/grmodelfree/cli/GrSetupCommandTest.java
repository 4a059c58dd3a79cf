package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.grmodelfree.gnuradio.GrSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gr-setup's edits of GNU Radio's configuration: added next to what is there, and taken back exactly. */
class GrSetupCommandTest {

    @Test
    void a_missing_file_gets_the_section_and_undo_leaves_it_empty(@TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("prefs").resolve("config.conf");
        assertTrue(GrSetup.addPath(conf, "/repo/grc"));
        assertEquals("[grc]\nlocal_blocks_path = /repo/grc\n", Files.readString(conf));
        assertFalse(GrSetup.addPath(conf, "/repo/grc"), "a second setup changes nothing");
        assertTrue(GrSetup.removePath(conf, "/repo/grc"));
        assertEquals("", Files.readString(conf));
        assertFalse(GrSetup.removePath(conf, "/repo/grc"));
    }

    @Test
    void other_settings_and_folders_survive_setup_and_undo(@TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("config.conf");
        String before = "[grc]\nlocal_blocks_path = /mine/blocks\nxterm_executable = /usr/bin/xterm\n\n[log]\ndebug_level = info\n";
        Files.writeString(conf, before);
        assertTrue(GrSetup.addPath(conf, "/repo/grc"));
        assertEquals("[grc]\nlocal_blocks_path = /mine/blocks:/repo/grc\nxterm_executable = /usr/bin/xterm\n\n"
                + "[log]\ndebug_level = info\n", Files.readString(conf));
        assertTrue(GrSetup.removePath(conf, "/repo/grc"));
        assertEquals(before, Files.readString(conf));
    }

    @Test
    void a_section_without_the_key_gets_it_and_keeps_its_other_keys_on_undo(@TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("config.conf");
        String before = "[log]\ndebug_level = info\n[grc]\ncanvas_font_size = 9\n";
        Files.writeString(conf, before);
        assertTrue(GrSetup.addPath(conf, "/repo/grc"));
        assertEquals("[log]\ndebug_level = info\n[grc]\nlocal_blocks_path = /repo/grc\ncanvas_font_size = 9\n",
                Files.readString(conf));
        assertTrue(GrSetup.removePath(conf, "/repo/grc"));
        assertEquals(before, Files.readString(conf));
    }

    @Test
    void the_command_installs_into_a_prefix_with_cmake_and_undo_removes_every_file(@TempDir Path tmp)
            throws Exception {
        Path conf = tmp.resolve("config.conf");
        Path prefix = tmp.resolve("prefix");
        Path build = tmp.resolve("build");
        Path jar = Files.writeString(tmp.resolve("built.jar"), "a jar");
        CliTest.Run r = CliTest.run("gr-setup", "--prefix", prefix.toString(), "--config", conf.toString(),
                "--build", build.toString(), "--jar", jar.toString());
        assertEquals(0, r.status(), r.err() + r.out());
        Path blocks = prefix.resolve(GrSetup.GRC_BLOCKS_DIR);
        try (Stream<Path> s = Files.list(Path.of("grc"))) {
            for (Path yml : s.filter(f -> f.toString().endsWith(".block.yml")).toList()) {
                assertEquals(Files.readString(yml), Files.readString(blocks.resolve(yml.getFileName())), yml.toString());
            }
        }
        assertEquals("a jar", Files.readString(prefix.resolve("share/gr-modelfree/gr-modelfree.jar")));
        List<Path> paths;
        try (Stream<Path> s = Files.walk(prefix)) {
            paths = s.filter(f -> f.endsWith(Path.of("gnuradio", "modelfree", "_paths.py"))).toList();
        }
        assertEquals(1, paths.size(), "one installed package: " + paths);
        assertTrue(Files.readString(paths.get(0)).contains("JAR = \"" + prefix.resolve("share/gr-modelfree/gr-modelfree.jar")
                + "\""), Files.readString(paths.get(0)));
        assertTrue(Files.exists(paths.get(0).resolveSibling("__init__.py")));
        assertEquals("[grc]\nlocal_blocks_path = " + blocks + "\n", Files.readString(conf));

        r = CliTest.run("gr-setup", "--undo", "--config", conf.toString(), "--build", build.toString());
        assertEquals(0, r.status(), r.err() + r.out());
        try (Stream<Path> s = Files.walk(prefix)) {
            assertEquals(List.of(), s.filter(Files::isRegularFile).toList(), "files left after --undo");
        }
        assertFalse(Files.exists(paths.get(0).getParent()), "the package folder is gone");
        assertEquals("", Files.readString(conf));
    }

    @Test
    void the_command_names_the_build_command_when_there_is_no_jar(@TempDir Path tmp) throws Exception {
        CliTest.Run r = CliTest.run("gr-setup", "--prefix", tmp.resolve("prefix").toString(), "--config",
                tmp.resolve("c.conf").toString(), "--build", tmp.resolve("build").toString(), "--jar",
                tmp.resolve("none.jar").toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().contains("no built jar " + tmp.resolve("none.jar") + ": build it with ")
                && r.err().contains("modelfree build"), r.err());
        assertFalse(Files.exists(tmp.resolve("prefix")), "nothing was installed");
    }
}
