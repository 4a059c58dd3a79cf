package org.grmodelfree.cli;

import java.io.PrintWriter;
import org.grmodelfree.run.Progress;
import picocli.CommandLine.Option;

/** {@code --quiet}, shared as a picocli mixin by the commands that report progress on standard error. */
final class ProgressOptions {
    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;

    /** Progress on err, silent with --quiet. */
    Progress progress(PrintWriter err) {
        return new Progress(err, quiet);
    }
}
