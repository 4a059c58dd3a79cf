package org.grmodelfree.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.grmodelfree.gnuradio.GrSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./modelfree gr-setup [--undo]}: installs the module for the current user with its CMake
 * project (prefix ~/.local, no root) and makes GNU Radio Companion search its block folder, and
 * takes that back (see {@link GrSetup}).
 */
@Command(name = "gr-setup", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Install the [Model-free] blocks for the current user (cmake --install with prefix ~/.local,"
                + " and GRC's local_blocks_path); --undo uninstalls them")
final class GrSetupCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--undo", description = "uninstall what gr-setup installed")
    boolean undo;

    @Option(names = "--prefix", description = "install prefix (default: ~/.local)")
    Path prefix;

    @Option(names = "--config", description = "GNU Radio's configuration file (default: $GR_PREFS_PATH/config.conf,"
            + " else ~/.gnuradio/config.conf)")
    Path config;

    @Option(names = "--build", description = "CMake's build folder, which keeps install_manifest.txt for --undo"
            + " (default: build/gr-setup in the repository)")
    Path build;

    @Option(names = "--jar", description = "the built jar to install (default: the one the launcher runs)")
    Path jar;

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("modelfree.home", System.getProperty("user.dir"))).toAbsolutePath();
        Path j = jar != null ? jar : Path.of(System.getProperty("modelfree.jar",
                home.resolve("target").resolve("gr-modelfree.jar").toString()));
        Path b = build != null ? build : home.resolve("build").resolve("gr-setup");
        GrSetup.apply(home, prefix, config, j, b.toAbsolutePath(), undo, spec.commandLine().getOut());
        return 0;
    }
}
