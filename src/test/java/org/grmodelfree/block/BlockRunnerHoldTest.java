package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A held runner (the GNU Radio bridge starts block processes so, while the script still builds the
 * flowgraph): ports set up at once, no work until released, run-time settings applied meanwhile.
 */
class BlockRunnerHoldTest {

    @Test
    void a_held_block_sets_up_its_ports_takes_settings_and_works_only_once_released() throws Exception {
        Params p = PolicySamplerBlock.SPEC.parse(List.of("--in", "tcp://127.0.0.1:1", "--peer_timeout", "30"));
        AtomicInteger calls = new AtomicInteger();
        ConcurrentLinkedQueue<Object> set = new ConcurrentLinkedQueue<>();
        Block block = new Block() {
            @Override
            public BlockSpec spec() {
                return PolicySamplerBlock.SPEC;
            }

            @Override
            public Status work(BlockIo io) {
                calls.incrementAndGet();
                return Status.DONE;
            }

            @Override
            public void set(ParamSpec param, Object value) {
                set.add(param.id() + "=" + value);
            }

            @Override
            public String waitingFor() {
                return "nothing";
            }

            @Override
            public Map<String, Object> stats() {
                return Map.of();
            }
        };
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        BlockRunner runner = new BlockRunner(block, p, log::add);
        runner.hold();
        Object[] end = new Object[1];
        Thread t = new Thread(() -> end[0] = runner.run(), "held");
        t.start();
        for (int i = 0; i < 600 && !log.contains("ports set up; waiting for the start"); i++) {
            Thread.sleep(50);
        }
        assertTrue(log.contains("ports set up; waiting for the start"), "no hold reported: " + log);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("output 'out' binds tcp://127.0.0.1:")), log.toString());
        runner.set("sigma2", "0.25");
        for (int i = 0; i < 600 && set.isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertEquals(List.of("sigma2=0.25"), List.copyOf(set), "a setting made while held is applied");
        Thread.sleep(200);
        assertEquals(0, calls.get(), "the block worked before it was released");
        assertTrue(t.isAlive(), "a held run ended by itself");
        runner.release();
        t.join(60_000);
        assertFalse(t.isAlive(), "the released run did not end");
        assertEquals(Block.Status.DONE, end[0]);
        assertEquals(1, calls.get());
    }

    @Test
    void a_stop_request_ends_a_held_run_without_any_work() throws Exception {
        Params p = PolicySamplerBlock.SPEC.parse(List.of("--in", "tcp://127.0.0.1:1"));
        AtomicInteger calls = new AtomicInteger();
        BlockRunner runner = new BlockRunner(TestBlocks.withWork(PolicySamplerBlock.SPEC, io -> {
            calls.incrementAndGet();
            return Block.Status.DONE;
        }), p, line -> { });
        runner.hold();
        Thread t = new Thread(runner::run, "held");
        t.start();
        runner.requestStop();
        t.join(60_000);
        assertFalse(t.isAlive(), "a stop request did not end the held run");
        assertEquals(0, calls.get());
    }
}
