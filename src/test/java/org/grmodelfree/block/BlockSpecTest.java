package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.grmodelfree.launch.Blocks;
import org.junit.jupiter.api.Test;

class BlockSpecTest {
    static final ParamSpec SIGMA2 = ParamSpec.real("sigma2", "Exploration variance", 0.02, 1e-6, 0.999,
            "s^2 of the policy").atRuntime();
    static final ParamSpec SYMBOLS = ParamSpec.integer("symbols", "Symbols per message", 4, 1L, 64L, "N");
    static final ParamSpec CHANNEL = ParamSpec.choice("channel", "Channel", "awgn", List.of("awgn", "rbf"),
            "receiver kind");
    static final ParamSpec PASS_TAGS = ParamSpec.bool("pass_tags", "Pass tags", false, "gr-zeromq tag headers")
            .inAdvanced();
    static final BlockSpec SAMPLER = new BlockSpec("policy-sampler", "Policy sampler",
            "Perturbs transmitter-phase frames: x_p = sqrt(1 - s^2) x + w.",
            List.of(PortSpec.streamIn("in", PortSpec.Item.COMPLEX, "frames from the transmitter"),
                    PortSpec.streamOut("out", PortSpec.Item.COMPLEX, "frames to the channel"),
                    PortSpec.messageOut("sent", true, "what was sent in transmitter-phase frames")),
            List.of(SIGMA2, SYMBOLS, CHANNEL, PASS_TAGS,
                    ParamSpec.string("address", "Address", "tcp://127.0.0.1:0", "where to bind")));

    static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void defaultsAndGivenValuesAreTyped() {
        Params d = SAMPLER.parse(List.of());
        assertEquals(0.02, d.real(SIGMA2));
        assertEquals(4, d.integer(SYMBOLS));
        assertEquals("awgn", d.string(CHANNEL));
        assertFalse(d.bool(PASS_TAGS));
        Params p = SAMPLER.parse(List.of("--sigma2", "0.1", "--symbols=8", "--channel", "rbf", "--pass-tags", "true"));
        assertEquals(0.1, p.real(SIGMA2));
        assertEquals(8, p.integer(SYMBOLS));
        assertEquals("rbf", p.string(CHANNEL));
        assertTrue(p.bool(PASS_TAGS));
        assertEquals(List.of("sigma2", "symbols", "channel", "pass_tags", "address"), List.copyOf(p.values().keySet()));
    }

    @Test
    void badArgumentsNameTheParameterAndTheRule() {
        assertTrue(error(() -> SAMPLER.parse(List.of("--sigma", "0.1"))).contains("no parameter 'sigma' (it has: sigma2, symbols"));
        assertTrue(error(() -> SAMPLER.parse(List.of("--sigma2", "1.5"))).contains("1.5 is above the maximum 0.999"));
        assertTrue(error(() -> SAMPLER.parse(List.of("--symbols", "0"))).contains("0 is below the minimum 1"));
        assertTrue(error(() -> SAMPLER.parse(List.of("--symbols", "4.5"))).contains("not a whole number"));
        assertTrue(error(() -> SAMPLER.parse(List.of("--sigma2", "NaN"))).contains("not a finite number"));
        assertTrue(error(() -> SAMPLER.parse(List.of("--channel", "fiber"))).contains("not one of [awgn, rbf]"));
        assertTrue(error(() -> SAMPLER.parse(List.of("--pass-tags", "yes"))).contains("not true or false"));
        assertTrue(error(() -> SAMPLER.parse(List.of("--symbols"))).contains("--symbols needs a value"));
        assertTrue(error(() -> SAMPLER.parse(List.of("--symbols", "2", "--symbols", "3"))).contains("given twice"));
        assertTrue(error(() -> SAMPLER.parse(List.of("symbols", "2"))).contains("expected --parameter value"));
        assertTrue(error(() -> SAMPLER.parse(List.of("--symbols", "2")).real(SYMBOLS)).contains("is int, not real"));
    }

    @Test
    void describeListsPortsAndParametersAsGrcNamesThem() {
        Map<String, Object> d = SAMPLER.describe();
        assertEquals("policy-sampler", d.get("name"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> in = (List<Map<String, Object>>) d.get("inputs");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> out = (List<Map<String, Object>>) d.get("outputs");
        assertEquals(1, in.size());
        assertEquals("complex", in.get(0).get("dtype"));
        assertEquals("stream", in.get(0).get("domain"));
        assertEquals(2, out.size());
        assertEquals("message", out.get(1).get("domain"));
        assertFalse(out.get(1).containsKey("dtype"));
        assertEquals(true, out.get(1).get("optional"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> params = (List<Map<String, Object>>) d.get("parameters");
        assertEquals(0.02, params.get(0).get("default"));
        assertEquals(true, params.get(0).get("runtime"));
        assertEquals(1L, params.get(1).get("min"));
        assertEquals(List.of("awgn", "rbf"), params.get(2).get("options"));
        assertEquals(true, params.get(3).get("advanced"));
        assertEquals("bool", params.get(3).get("dtype"));
    }

    @Test
    void inconsistentDeclarationsAreRejected() {
        assertTrue(error(() -> ParamSpec.real("s", "S", 2.0, 0.0, 1.0, "doc")).contains("2 is above the maximum 1"));
        assertTrue(error(() -> ParamSpec.choice("c", "C", "x", List.of("a"), "doc")).contains("not one of [a]"));
        assertTrue(error(() -> new ParamSpec("s", "S", ParamSpec.Kind.STRING, "a", 0.0, null, List.of(), false, false, "doc"))
                .contains("only numbers have limits"));
        assertTrue(error(() -> new PortSpec("in", PortSpec.Domain.STREAM, PortSpec.Direction.IN, PortSpec.Item.NONE, false,
                "doc")).contains("stream ports need an item type"));
        assertTrue(error(() -> PortSpec.streamIn("In", PortSpec.Item.COMPLEX, "doc")).contains("lower case"));
        assertTrue(error(() -> new BlockSpec("x", "X", "doc",
                List.of(PortSpec.streamIn("in", PortSpec.Item.COMPLEX, "a"), PortSpec.streamIn("in", PortSpec.Item.FLOAT, "b")),
                List.of())).contains("declares IN port 'in' twice"));
        assertTrue(error(() -> new BlockSpec("x", "X", "doc", List.of(),
                List.of(ParamSpec.bool("p", "P", true, "a"), ParamSpec.bool("p", "P", false, "b")))).contains("parameter 'p' twice"));
    }
    @Test
    void portIdsTakeAddressesAndMayNotCollideWithParameters() {
        Params p = SAMPLER.parse(List.of("--in", "tcp://127.0.0.1:5555", "--sigma2", "0.1"));
        assertEquals("tcp://127.0.0.1:5555", p.address("in"));
        assertEquals(null, p.address("out"));
        assertEquals("block 'policy-sampler' has no port 'nope' (it has: in, out, sent)", error(() -> p.address("nope")));
        assertEquals("block 'policy-sampler': --in is given twice",
                error(() -> SAMPLER.parse(List.of("--in", "tcp://a:1", "--in", "tcp://b:2"))));
        String clash = error(() -> new BlockSpec("x", "X", "doc",
                List.of(PortSpec.streamIn("in", PortSpec.Item.COMPLEX, "samples")),
                List.of(ParamSpec.integer("in", "In", 1, null, null, "a number"))));
        assertTrue(clash.contains("parameter 'in' has the id of a port"), clash);
    }

    @Test
    void everyRegisteredBlockIsBuiltFromItsOwnSpec() {
        for (Blocks.Entry e : Blocks.ALL) {
            List<String> args = e.spec().name().equals("transmitter") || e.spec().name().equals("receiver")
                    ? List.of("--iterations", "1", "--messages", "4", "--hidden", "4") : List.of();
            Block b = e.create(e.spec().parse(args));
            assertTrue(b.spec() == e.spec(), e.spec().name());
            assertTrue(b.getClass().getSimpleName().endsWith("Block"));
        }
    }
}
