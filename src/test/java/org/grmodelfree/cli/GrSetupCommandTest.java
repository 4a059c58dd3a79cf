package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void the_command_writes_and_removes_the_pth_file(@TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("config.conf");
        Path site = tmp.resolve("site");
        CliTest.Run r = CliTest.run("gr-setup", "--config", conf.toString(), "--site", site.toString());
        assertEquals(0, r.status(), r.err());
        Path blocks = Path.of("blocks").toAbsolutePath();
        assertEquals(blocks + "\n", Files.readString(site.resolve(GrSetup.PTH)));
        assertTrue(Files.readString(conf).contains("local_blocks_path = " + Path.of("grc").toAbsolutePath()));
        r = CliTest.run("gr-setup", "--undo", "--config", conf.toString(), "--site", site.toString());
        assertEquals(0, r.status(), r.err());
        assertFalse(Files.exists(site.resolve(GrSetup.PTH)));
        assertEquals("", Files.readString(conf));
    }
}
