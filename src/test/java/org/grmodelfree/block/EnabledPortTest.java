package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A port that a parameter enables: declared once, described, and opened by the runner only when enabled. */
class EnabledPortTest {

    private static final BlockSpec SPEC = new BlockSpec("enabled-port", "Enabled port", "A test block.",
            List.of(PortSpec.streamOut("data", PortSpec.Item.BYTE, "output", "stream", "bytes when output is stream")),
            TrainingParams.concat(List.of(ParamSpec.choice("output", "Output", "none", List.of("none", "stream"),
                    "stream adds the data output")), BlockParams.RUNNER));

    /** Runs a block of SPEC once over real sockets; returns whether it saw 'data' connected, and the endpoints. */
    private static Object[] runOnce(String... args) {
        Params p = SPEC.parse(List.of(args));
        List<Boolean> seen = new ArrayList<>();
        Block b = TestBlocks.withWork(SPEC, io -> {
            seen.add(io.connected(SPEC.ports().get(0)));
            return Block.Status.DONE;
        });
        BlockRunner runner = new BlockRunner(b, p, line -> { });
        assertEquals(Block.Status.DONE, runner.run());
        return new Object[] {seen.get(0), Map.copyOf(runner.endpoints())};
    }

    @Test
    void theRunnerOpensThePortOnlyWhenItsParameterEnablesIt() {
        Object[] off = runOnce();
        assertFalse((Boolean) off[0], "'data' connected with output none");
        assertFalse(((Map<?, ?>) off[1]).containsKey("data"), "a socket for 'data' with output none: " + off[1]);
        Object[] on = runOnce("--output", "stream");
        assertTrue((Boolean) on[0], "'data' not connected with output stream");
        assertTrue(((Map<?, ?>) on[1]).containsKey("data"), "no socket for 'data' with output stream: " + on[1]);
    }

    @Test
    void anAddressForAPortItsParameterLeavesOutIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runOnce("--data", "tcp://127.0.0.1:1"));
        assertTrue(e.getMessage().contains("--data is given, but 'data' exists only with --output stream"),
                e.getMessage());
    }

    @Test
    void describeSaysWhichParameterEnablesThePort() {
        Map<?, ?> port = (Map<?, ?>) ((List<?>) SPEC.describe().get("outputs")).get(0);
        assertEquals(Map.of("parameter", "output", "value", "stream"), port.get("enabled_by"));
        assertEquals(Map.of("parameter", "output", "value", "stream"),
                ((Map<?, ?>) ((List<?>) ReceiverBlock.SPEC.describe().get("outputs")).stream()
                        .filter(o -> "msg_out".equals(((Map<?, ?>) o).get("id"))).findFirst().orElseThrow())
                        .get("enabled_by"));
    }

    @Test
    void theEnablingParameterMustBeAValueOfAnEnumOfTheBlock() {
        List<ParamSpec> params = TrainingParams.concat(List.of(ParamSpec.choice("output", "Output", "none",
                List.of("none", "stream"), "doc")), BlockParams.RUNNER);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BlockSpec("b", "B", "doc",
                List.of(PortSpec.streamOut("data", PortSpec.Item.BYTE, "output", "file", "doc")), params));
        assertTrue(e.getMessage().contains("port 'data' is enabled by output = file"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PortSpec("data", PortSpec.Domain.STREAM,
                PortSpec.Direction.OUT, PortSpec.Item.BYTE, false, "doc", new PortSpec.Enable("output", "stream")));
    }
}
