package org.grmodelfree.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --out}, a command's output folder, shared as a picocli mixin. Each command has its own
 * default folder (given to {@link #orElse}) and help text (key COMMAND.out in options.properties,
 * the command line's resource bundle).
 */
final class OutputOptions {
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    Path out;

    /** An empty folder name is refused: it wrote every output into the working directory. */
    @Option(names = "--out", descriptionKey = "out", paramLabel = "<out>",
            defaultValue = picocli.CommandLine.Option.NULL_VALUE)
    void out(String folder) {
        if (folder == null) { // the default, applied on every parse: a reused command line forgets the last --out
            out = null;
            return;
        }
        if (folder.isBlank()) {
            throw new picocli.CommandLine.ParameterException(mixee.commandLine(),
                    "--out needs a folder name, got an empty one (it would write into the working directory)");
        }
        try {
            out = Path.of(folder);
        } catch (java.nio.file.InvalidPathException e) {
            throw new picocli.CommandLine.ParameterException(mixee.commandLine(),
                    "--out: '" + folder + "' is no folder name here (" + e.getReason() + ")");
        }
    }

    /** The folder given, else the command's default. */
    Path orElse(Path fallback) {
        return out != null ? out : fallback;
    }
}
