package org.grmodelfree.semantic.block;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.junit.jupiter.api.Test;

/** The semantic blocks default to what semantic train's rl does: the mean baseline and mirrored exploration. */
class SemanticParamsDefaultsTest {
    @Test
    void blocksDefaultToTheRecipeThatWorks() {
        for (var spec : List.of(SemanticAgentBlock.SPEC, SemanticReceiverBlock.SPEC)) {
            SemanticConfig c = SemanticParams.config(spec.parse(List.of()), -4, 6);
            assertTrue(c.baseline() && c.mirrored(), spec.name() + ": " + c);
            SemanticConfig p = SemanticParams.config(spec.parse(List.of("--baseline", "false", "--mirrored", "false")),
                    -4, 6);
            assertFalse(p.baseline() || p.mirrored(), spec.name() + ": " + p);
        }
    }
}
