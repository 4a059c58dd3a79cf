package org.grmodelfree.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --out}, a command's output folder, shared as a picocli mixin. Each command has its own
 * default folder (given to {@link #orElse}) and help text (key COMMAND.out in options.properties,
 * the command line's resource bundle).
 */
final class OutputOptions {
    @Option(names = "--out", descriptionKey = "out", paramLabel = "<out>")
    Path out;

    /** The folder given, else the command's default. */
    Path orElse(Path fallback) {
        return out != null ? out : fallback;
    }
}
