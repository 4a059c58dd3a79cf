package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The runner's waiting when nothing arrives, over real sockets. */
class BlockRunnerIdleTest {

    /**
     * The loss feedback idles without its peers being lost. Past the peer timeout the runner must
     * still wait for input (up to its longest wait, 100 ms) between work calls, not call work in a
     * loop: it once did, and an idle relay burnt a whole core.
     */
    @Test
    void an_idle_relay_past_its_peer_timeout_waits_instead_of_spinning() throws Exception {
        Params p = LossFeedbackBlock.SPEC.parse(List.of("--peer_timeout", "0.1",
                "--in", "tcp://127.0.0.1:1")); // nothing there: nothing ever arrives
        LossFeedbackBlock relay = new LossFeedbackBlock(p);
        AtomicLong calls = new AtomicLong();
        Block counted = new Block() {
            @Override
            public BlockSpec spec() {
                return relay.spec();
            }

            @Override
            public Status work(BlockIo io) {
                calls.incrementAndGet();
                return relay.work(io);
            }

            @Override
            public String waitingFor() {
                return relay.waitingFor();
            }

            @Override
            public boolean idleMeansPeerLost() {
                return relay.idleMeansPeerLost();
            }

            @Override
            public Map<String, Object> stats() {
                return relay.stats();
            }
        };
        BlockRunner runner = new BlockRunner(counted, p, line -> { });
        Object[] end = new Object[1];
        Thread t = new Thread(() -> {
            try {
                end[0] = runner.run();
            } catch (RuntimeException e) {
                end[0] = e;
            }
        }, "relay");
        t.start();
        Thread.sleep(300); // past the 0.1 s peer timeout
        long before = calls.get();
        Thread.sleep(1000);
        long during = calls.get() - before;
        runner.requestStop();
        t.join(5000);
        assertTrue(!t.isAlive(), "the runner did not stop when asked");
        assertEquals(Block.Status.IDLE, end[0], "an idle relay is not a lost peer");
        // waiting 100 ms between calls gives about 10 calls a second; polling without waiting, millions
        assertTrue(during <= 100, during + " work calls in 1 s while idle past the peer timeout");
    }
}
