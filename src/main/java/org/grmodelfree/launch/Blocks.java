package org.grmodelfree.launch;

import java.util.List;
import java.util.function.Function;
import org.grmodelfree.block.Block;
import org.grmodelfree.block.BlockSpec;
import org.grmodelfree.block.ChannelBlock;
import org.grmodelfree.block.LossFeedbackBlock;
import org.grmodelfree.block.Params;
import org.grmodelfree.block.PolicySamplerBlock;
import org.grmodelfree.block.RadioRxBlock;
import org.grmodelfree.block.RadioTxBlock;
import org.grmodelfree.block.ReceiverBlock;
import org.grmodelfree.block.TransmitterBlock;
import org.grmodelfree.semantic.block.SemanticAgentBlock;
import org.grmodelfree.semantic.block.SemanticReceiverBlock;

/** The blocks a process can run, by name. */
public final class Blocks {

    /** A block's declaration and how to build it from parsed parameters. */
    public record Entry(BlockSpec spec, Function<Params, Block> factory) {
        public Block create(Params p) {
            return factory.apply(p);
        }
    }

    public static final List<Entry> ALL = List.of(
            new Entry(TransmitterBlock.SPEC, TransmitterBlock::new),
            new Entry(PolicySamplerBlock.SPEC, PolicySamplerBlock::new),
            new Entry(ReceiverBlock.SPEC, ReceiverBlock::new),
            new Entry(LossFeedbackBlock.SPEC, LossFeedbackBlock::new),
            new Entry(RadioTxBlock.SPEC, RadioTxBlock::new),
            new Entry(RadioRxBlock.SPEC, RadioRxBlock::new),
            new Entry(ChannelBlock.SPEC, ChannelBlock::new),
            new Entry(SemanticAgentBlock.SPEC, SemanticAgentBlock::new),
            new Entry(SemanticReceiverBlock.SPEC, SemanticReceiverBlock::new));

    private Blocks() {
    }

    /** The block of that name, or an IllegalArgumentException listing the names. */
    public static Entry find(String name) {
        for (Entry e : ALL) {
            if (e.spec().name().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("no block named '" + name + "' (blocks: "
                + String.join(", ", ALL.stream().map(e -> e.spec().name()).toList()) + ")");
    }

}
