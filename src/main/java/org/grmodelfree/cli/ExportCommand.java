package org.grmodelfree.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.grmodelfree.store.CheckpointJoin;
import org.grmodelfree.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./modelfree export --transmitter TX.ckpt --receiver RX.ckpt --out model.msgpack}: joins the
 * two learning blocks' checkpoints of any run (a flowgraph of one's own, {@code train --transport
 * zmq}, blocks started by hand) into the link model that {@code evaluate} and stream mode read.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Join a transmitter's and a receiver's block checkpoints of one run into a link model"
                + " (model.msgpack) for evaluate and stream mode")
final class ExportCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--transmitter", required = true, paramLabel = "TX.ckpt",
            description = "the transmitter block's checkpoint (its --checkpoint file)")
    Path transmitter;

    @Option(names = "--receiver", required = true, paramLabel = "RX.ckpt",
            description = "the receiver block's checkpoint of the same run")
    Path receiver;

    @Option(names = "--out", required = true, paramLabel = "model.msgpack",
            description = "the link model to write (atomically)")
    Path out;

    @Override
    public Integer call() throws Exception {
        CheckpointJoin.Joined j = CheckpointJoin.export(transmitter, receiver, out);
        TrainConfig c = j.trainer().config();
        spec.commandLine().getOut().println(String.format(Locale.ROOT,
                "wrote %s: M=%d, N=%d, hidden %d, channel %s, iteration %d of %d", out, c.messages(), c.symbols(),
                c.rxHidden(), c.channel().id(), j.trainer().iteration(), c.iterations()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
