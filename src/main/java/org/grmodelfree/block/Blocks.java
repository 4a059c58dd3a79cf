package org.grmodelfree.block;

import java.util.List;
import java.util.function.Function;

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

    /** The command-line arguments giving a training configuration to a block (the ones it declares). */
    public static List<String> trainingArguments(BlockSpec spec, org.grmodelfree.train.TrainConfig c) {
        return TrainingParams.arguments(spec, c);
    }
}
