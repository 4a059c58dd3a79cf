package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.grmodelfree.wire.ControlMessage;
import org.junit.jupiter.api.Test;

/**
 * The loss feedback holds at most {@link LossFeedbackBlock#MAX_QUEUED} messages for their delay: a
 * flood of messages on 'in' (here twice that many, with an hour's delay) is dropped and counted
 * beyond it, instead of growing without bound (200,000 queued losses took 2 GB).
 */
class FeedbackQueueBoundTest {
    @Test
    void a_flood_of_delayed_messages_is_bounded() {
        LossFeedbackBlock fb = new LossFeedbackBlock(LossFeedbackBlock.SPEC.parse(List.of("--delay_ms", "3600000")));
        LocalGraph g = new LocalGraph().add("fb", fb);
        int flood = 2 * LossFeedbackBlock.MAX_QUEUED;
        for (int i = 0; i < flood; i++) {
            g.inject("fb", "in", new ControlMessage.Losses(i, i, new float[100]));
        }
        // the relay then waits an hour of the graph's clock for the first to fall due, and sends them
        // all; it never ends (no Stop), so the graph stalls once they are out
        assertThrows(IllegalStateException.class, () -> g.run("fb"));
        assertEquals((long) flood, fb.stats().get("received"), fb.stats().toString());
        assertEquals((long) LossFeedbackBlock.MAX_QUEUED, fb.stats().get("dropped_overflow"), fb.stats().toString());
        assertEquals((long) LossFeedbackBlock.MAX_QUEUED, fb.stats().get("forwarded"), fb.stats().toString());
        assertTrue(g.messages("fb", "out").size() == LossFeedbackBlock.MAX_QUEUED);
    }
}
