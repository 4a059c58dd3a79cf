package org.grmodelfree.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "compare", mixinStandardHelpOptions = true, description = "Reproduce the paper's comparison.")
final class CompareCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("compare is not written yet");
    }
}
