package org.grmodelfree.block;

import java.util.Map;
import java.util.function.Function;

/** Blocks for tests: a declared spec with a work of the test's own. */
public final class TestBlocks {
    private TestBlocks() {
    }

    /** A block of spec whose work is the given function; it waits for nothing and has no stats. */
    public static Block withWork(BlockSpec spec, Function<BlockIo, Block.Status> work) {
        return new Block() {
            @Override
            public BlockSpec spec() {
                return spec;
            }

            @Override
            public Status work(BlockIo io) {
                return work.apply(io);
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
    }
}
