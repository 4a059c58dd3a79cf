package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.grmodelfree.wire.ControlMessage;
import org.junit.jupiter.api.Test;

/**
 * A block's work may only use the ports its SPEC declares: a read, write, receive, send or
 * connected on any other port (a constant of another block, or one with the same id declared
 * elsewhere) fails at once, naming the block and the port, under the in-memory graph and under the
 * ZeroMQ runner alike; once, a misspelt message port was silently unconnected.
 */
class UndeclaredPortTest {
    private static final PortSpec IN = PortSpec.messageIn("in", true, "messages in");
    private static final PortSpec OUT = PortSpec.messageOut("out", true, "messages out");
    private static final PortSpec SAMPLES = PortSpec.streamOut("samples", PortSpec.Item.COMPLEX, "samples out");
    private static final BlockSpec SPEC = new BlockSpec("declared", "Declared", "A test block.",
            List.of(IN, OUT), BlockParams.RUNNER);

    /** Uses of ports SPEC does not declare, each on its own; a look-alike has a declared port's id. */
    private static final PortSpec LOOK_ALIKE = PortSpec.messageIn("in", true, "messages in");
    private static final List<Consumer<BlockIo>> MISUSES = List.of(
            io -> io.receive(LossFeedbackBlock.IN),
            io -> io.receive(LOOK_ALIKE),
            io -> io.send(TransmitterBlock.FEEDBACK, new ControlMessage.Stop("x")),
            io -> io.connected(ReceiverBlock.LOSSES),
            io -> io.write(SAMPLES, new float[2], 0, 1),
            io -> io.read(ChannelBlock.IN, new float[2], 0, 1),
            io -> io.readBytes(TransmitterBlock.MSG_IN, new byte[1], 0, 1),
            io -> io.writeBytes(ReceiverBlock.MSG_OUT, new byte[1], 0, 1));

    private static Block using(Consumer<BlockIo> use) {
        return TestBlocks.withWork(SPEC, io -> {
            use.accept(io);
            return Block.Status.DONE;
        });
    }

    @Test
    void theLocalGraphRefusesAPortTheBlockDoesNotDeclare() {
        for (Consumer<BlockIo> use : MISUSES) {
            LocalGraph g = new LocalGraph().add("b", using(use));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.run("b"));
            assertTrue(e.getMessage().contains("block 'declared' does not declare port '"), e.getMessage());
        }
    }

    @Test
    void theRunnerRefusesAPortTheBlockDoesNotDeclare() {
        for (Consumer<BlockIo> use : MISUSES) {
            Params p = SPEC.parse(List.of());
            BlockRunner runner = new BlockRunner(using(use), p, line -> { });
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, runner::run);
            assertTrue(e.getMessage().contains("block 'declared' does not declare port '"), e.getMessage());
        }
    }

    @Test
    void declaredPortsWorkAndAMessagePortIsNotUsedAsAnotherKind() {
        LocalGraph g = new LocalGraph().add("b", using(io -> {
            assertEquals(null, io.receive(IN));
            io.send(OUT, new ControlMessage.Stop("done"));
        }));
        g.run("b");
        assertEquals(1, g.messages("b", "out").size());
        LocalGraph wrong = new LocalGraph().add("b", using(io -> io.receive(OUT)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrong.run("b"));
        assertTrue(e.getMessage().contains("port 'out' is a message output, not a message input"), e.getMessage());
    }

    @Test
    void theGraphIsWiredByDeclarationsAndRefusesAnotherBlocksPort() {
        LocalGraph g = new LocalGraph().add("a", using(io -> io.send(OUT, new ControlMessage.Stop("to b"))))
                .add("b", using(io -> assertEquals(new ControlMessage.Stop("to b"), io.receive(IN))))
                .connect("a", OUT, "b", IN);
        g.run("a", "b");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LocalGraph().add("a", using(io -> { })).add("b", using(io -> { }))
                        .connect("a", LossFeedbackBlock.OUT, "b", IN));
        assertTrue(e.getMessage().contains("block 'declared' does not declare port 'out'"), e.getMessage());
        LocalGraph h = new LocalGraph().add("a", using(io -> { }));
        assertThrows(IllegalArgumentException.class, () -> h.inject("a", LOOK_ALIKE, new ControlMessage.Stop("x")));
        assertThrows(IllegalArgumentException.class, () -> h.messages("a", TransmitterBlock.SENT));
    }
}
