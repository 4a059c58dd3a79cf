package org.grmodelfree.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.grmodelfree.wire.CurveKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./modelfree keys --out DIR [--names a,b] [--force]}: writes one CURVE key pair per name
 * for the blocks' message links ({@link CurveKeys}; docs/security.md).
 */
@Command(name = "keys", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write CURVE key pairs for the blocks' message links: NAME.key (public, to copy to the"
                + " peers) and NAME.key_secret (mode 0600, stays with its block), in czmq's format.",
                "Give a block its pair with --curve_secret DIR/NAME.key_secret (docs/security.md)."})
final class KeysCommand implements Callable<Integer> {

    /** One key pair per block of the link that has message ports. */
    static final List<String> DEFAULT_NAMES = List.of("transmitter", "policy-sampler", "receiver", "loss-feedback");

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "folder for the key files (created with mode 0700 if missing)")
    Path out;

    @Option(names = "--names", split = ",", paramLabel = "NAME",
            description = "names of the key pairs, one per block (default: ${DEFAULT-VALUE})")
    List<String> names = new ArrayList<>(DEFAULT_NAMES);

    @Option(names = "--force", description = "replace key files that exist (peers holding the old public keys will"
            + " refuse the new ones)")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (out.toString().isBlank()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--out is empty");
        }
        List<Path> files;
        try {
            files = CurveKeys.generate(out, names, force);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter w = spec.commandLine().getOut();
        for (Path f : files) {
            w.println("wrote " + f);
        }
        w.println("Each NAME.key_secret stays on its block's host (mode 0600; give it with --curve_secret); copy the"
                + " NAME.key public files to the peers (--curve_clients DIR, --curve_servers port=FILE).");
        w.flush();
        return 0;
    }
}
