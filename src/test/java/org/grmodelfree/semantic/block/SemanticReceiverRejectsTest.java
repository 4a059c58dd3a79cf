package org.grmodelfree.semantic.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.grmodelfree.block.Block;
import org.grmodelfree.block.BlockSpec;
import org.grmodelfree.block.LocalGraph;
import org.grmodelfree.block.PortSpec;
import org.grmodelfree.block.TestBlocks;
import org.grmodelfree.wire.ControlMessage;
import org.junit.jupiter.api.Test;

/**
 * Messages on an agent's input that the semantic receiver cannot take (another type, a batch beyond
 * the run, the wrong number of values) are logged with their reason and skipped; the receiver goes
 * on waiting for its agents. Each of them stopped it before.
 */
class SemanticReceiverRejectsTest {
    @Test
    void messages_it_cannot_take_are_logged_and_skipped() {
        SemanticReceiverBlock rx = new SemanticReceiverBlock(SemanticReceiverBlock.SPEC.parse(List.of("--reduced",
                "true")));
        PortSpec out = PortSpec.messageOut("out", false, "to the receiver's in0");
        BlockSpec peerSpec = new BlockSpec("peer", "Peer", "a stray peer", List.of(out), List.of());
        Block peer = TestBlocks.withWork(peerSpec, io -> {
            io.send(out, new ControlMessage.Phase(0, ControlMessage.Phase.RECEIVER, 1, 0));
            io.send(out, new ControlMessage.Losses(0, 0, new float[3]));
            io.send(out, new ControlMessage.Sent(0, 0, new float[4], 0.1));
            io.send(out, new ControlMessage.Sent(1L << 40, 0, new float[4], 0.1));
            return Block.Status.DONE;
        });
        List<String> log = new ArrayList<>();
        LocalGraph g = new LocalGraph().add("peer", peer).add("rx", rx).log(log::add)
                .connect("peer", out, "rx", SemanticReceiverBlock.IN0);
        // the receiver then waits for its four agents, which are not there: the graph stalls
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.run("rx"));
        assertTrue(e.getMessage().startsWith("graph stalled"), e.getMessage());
        assertEquals(4L, rx.stats().get("rejected_messages"), rx.stats().toString());
        assertEquals(4, log.stream().filter(l -> l.contains("rejected on in0")).count(), log.toString());
    }
}
