package org.grmodelfree.semantic.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grmodelfree.block.PortSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The semantic blocks' stream mode (GNU Radio): its ports exist only with output / input stream,
 * batches are padded to whole multiples of the alignment, and a block on streams refuses to resume
 * from a checkpoint, since the streams carry no batch ids.
 */
class SemanticStreamModeTest {
    @Test
    void stream_ports_exist_only_in_stream_mode() {
        PortSpec features = SemanticAgentBlock.FEATURES;
        assertFalse(features.enabled(SemanticAgentBlock.SPEC.parse(List.of())), "message mode is the default");
        assertTrue(features.enabled(SemanticAgentBlock.SPEC.parse(List.of("--output", "stream"))));
        assertEquals(PortSpec.Item.COMPLEX, features.item());
        for (PortSpec p : List.of(SemanticReceiverBlock.FEATURES0, SemanticReceiverBlock.FEATURES3)) {
            assertFalse(p.enabled(SemanticReceiverBlock.SPEC.parse(List.of())));
            assertTrue(p.enabled(SemanticReceiverBlock.SPEC.parse(List.of("--input", "stream"))));
        }
    }

    @Test
    void a_batch_on_a_stream_is_padded_to_the_alignment() {
        // B = 50 images of N_Tx = 14 real values: 350 complex samples, padded to 352
        assertEquals(352, SemanticParams.streamSamples(50 * 14));
        assertEquals(16, SemanticParams.streamSamples(32));
        assertEquals(32, SemanticParams.streamSamples(34));
        assertEquals(0, SemanticParams.streamSamples(50 * 14) % SemanticParams.STREAM_ALIGN);
    }

    @Test
    void a_block_on_streams_refuses_to_resume(@TempDir Path tmp) throws Exception {
        Path ckpt = Files.writeString(tmp.resolve("old.ckpt"), "x");
        IllegalArgumentException agent = assertThrows(IllegalArgumentException.class, () -> new SemanticAgentBlock(
                SemanticAgentBlock.SPEC.parse(List.of("--output", "stream", "--checkpoint", ckpt.toString()))));
        assertTrue(agent.getMessage().contains("cannot resume") && agent.getMessage().contains(ckpt.toString()),
                agent.getMessage());
        IllegalArgumentException rx = assertThrows(IllegalArgumentException.class, () -> new SemanticReceiverBlock(
                SemanticReceiverBlock.SPEC.parse(List.of("--input", "stream", "--checkpoint", ckpt.toString()))));
        assertTrue(rx.getMessage().contains("cannot resume"), rx.getMessage());
    }
}
