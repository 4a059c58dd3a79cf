package org.grmodelfree.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.grmodelfree.gnuradio.GnuRadio;
import org.grmodelfree.gnuradio.GrSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./modelfree gr-setup [--undo]}: makes the blocks visible to GNU Radio Companion and to
 * generated scripts for the current user, and takes that back (see {@link GrSetup}).
 */
@Command(name = "gr-setup", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Make the [Model-free] blocks visible to GNU Radio Companion and to generated flowgraphs"
                + " (GRC's local_blocks_path and a .pth file for /usr/bin/python3); --undo takes it back")
final class GrSetupCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--undo", description = "remove what gr-setup added")
    boolean undo;

    @Option(names = "--config", description = "GNU Radio's configuration file (default: $GR_PREFS_PATH/config.conf,"
            + " else ~/.gnuradio/config.conf)")
    Path config;

    @Option(names = "--site", description = "where the .pth file goes (default: the user site-packages of "
            + GnuRadio.PYTHON + ")")
    Path site;

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("modelfree.home", System.getProperty("user.dir"))).toAbsolutePath();
        GrSetup.apply(home, config, site, undo, spec.commandLine().getOut());
        return 0;
    }
}
