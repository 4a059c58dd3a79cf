package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parameters are read by their declarations, not by id strings: a block asking for a parameter it
 * does not declare (another block's, or a look-alike with the same id) fails at once instead of
 * falling back to a default, and enum parameters come back as enum constants.
 */
class ParamsContractTest {

    @Test
    void aParameterTheBlockDoesNotDeclareIsRefused() {
        Params p = ChannelBlock.SPEC.parse(List.of("--seed", "7"));
        assertEquals(7, p.integer(ChannelBlock.SEED));
        // the loss feedback's seed has the same id, but it is not the channel's declaration
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> p.integer(LossFeedbackBlock.SEED));
        assertTrue(other.getMessage().contains("block 'channel' does not declare parameter 'seed'"),
                other.getMessage());
        ParamSpec lookAlike = ParamSpec.integer("seed", "Seed", 1, null, null, "seed of noise and fading");
        assertThrows(IllegalArgumentException.class, () -> p.integer(lookAlike));
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
                () -> p.real(TransmitterBlock.FEEDBACK_TIMEOUT));
        assertTrue(absent.getMessage().contains("does not declare parameter 'feedback_timeout'"), absent.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.string(BlockParams.MODEL));
        assertThrows(IllegalArgumentException.class, () -> p.bool(TransmitterBlock.RUN_AHEAD));
        assertThrows(IllegalArgumentException.class, () -> p.choice(BlockParams.MODE, BlockParams.Mode.class));
        assertTrue(p.declares(ChannelBlock.SEED));
        assertFalse(p.declares(LossFeedbackBlock.SEED));
    }

    @Test
    void enumParametersComeBackAsTheirConstants() {
        Params d = ReceiverBlock.SPEC.parse(List.of());
        assertEquals(BlockParams.Mode.TRAIN, d.choice(BlockParams.MODE, BlockParams.Mode.class));
        assertEquals(ReceiverBlock.Decoder.NEURAL, d.choice(ReceiverBlock.DECODER, ReceiverBlock.Decoder.class));
        Params s = ReceiverBlock.SPEC.parse(List.of("--mode", "stream", "--decoder", "min-distance", "--output",
                "stream", "--reference", "none"));
        assertEquals(BlockParams.Mode.STREAM, s.choice(BlockParams.MODE, BlockParams.Mode.class));
        assertEquals(ReceiverBlock.Decoder.MIN_DISTANCE, s.choice(ReceiverBlock.DECODER, ReceiverBlock.Decoder.class));
        assertEquals(ReceiverBlock.Output.STREAM, s.choice(ReceiverBlock.OUTPUT, ReceiverBlock.Output.class));
        assertEquals(ReceiverBlock.Reference.NONE, s.choice(ReceiverBlock.REFERENCE, ReceiverBlock.Reference.class));
        // the enum must be the one the parameter was declared from
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.choice(ReceiverBlock.DECODER, ReceiverBlock.Output.class));
        assertTrue(e.getMessage().contains("parameter 'decoder' has the options [neural, min-distance]"),
                e.getMessage());
    }

    @Test
    void enumOptionsAndFlagsAreTheDeclaredIds() {
        assertEquals(List.of("neural", "min-distance"), ReceiverBlock.DECODER.options());
        assertEquals("neural", ReceiverBlock.DECODER.defaultValue());
        assertEquals(List.of("train", "stream"), BlockParams.MODE.options());
        assertEquals(List.of("msgpack", "pdu"), BlockParams.MSG_FORMAT.options());
        assertEquals(List.of("awgn", "rbf", "none"), ChannelBlock.KIND.options());
        assertEquals("--checkpoint_seconds", BlockParams.CHECKPOINT_SECONDS.flag());
        assertEquals("--msg_out", ReceiverBlock.MSG_OUT.flag());
        assertEquals(new PortSpec.Enable("source", "stream"), TransmitterBlock.MSG_IN.enable());
    }
}
