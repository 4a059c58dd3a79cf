package org.grmodelfree.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.grmodelfree.block.BlockSpec;
import org.grmodelfree.block.ChannelBlock;
import org.grmodelfree.block.ParamSpec;
import org.grmodelfree.block.Params;
import org.grmodelfree.block.PortSpec;
import org.grmodelfree.launch.Blocks;
import org.grmodelfree.wire.Endpoints;
import org.junit.jupiter.api.Test;

/**
 * Block parameter lists ({@link BlockSpec#parse}) of every block a process can run, under 100 000
 * generated argument lists per block: valid lists (every parameter and port in random order, as
 * {@code --id value} or {@code --id=value}, with values at and inside their limits) with tokens
 * dropped, repeated, swapped, cut, edited character by character or replaced by hostile values
 * (numbers beyond a long or a double, NaN, hex, blanks, addresses of every wrong form, 100 000
 * characters), and lists of random strings. Each list either parses to values of the declared
 * types within their limits and options, with port addresses ZeroMQ can use, which parse again to
 * the same values, or is refused with an {@link IllegalArgumentException} (not a subclass such as
 * NumberFormatException) whose one-line message names the parameter or the offending argument.
 */
class BlockParamsFuzzTest {

    private static final long SEED = 17_0006L;
    /** Argument lists per block: 100 000 in all. */
    private static final int PER_BLOCK = (Fuzz.INPUTS + Blocks.ALL.size() - 1) / Blocks.ALL.size();
    /** Longest message an error may have: one readable line. */
    private static final int MAX_MESSAGE = 600;

    private static final String LONG = "9".repeat(100_000);
    private static final String[] HOSTILE = {"", " ", "-1", "0", "1", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1e308", "1e309", "-1e309", "4.9e-324", "NaN", "Infinity", "-Infinity", "0x10",
        "0x1p3", "1_000", "1.5", "1e3", "+5", " 5 ", "\t7\n", "true", "TRUE", "yes", "null", "٣", "1d", "1f",
        "tcp://", "tcp://*:0", "tcp://127.0.0.1:0", "tcp://host:65536", "tcp://host:99999", "tcp://[::1]:1",
        "tcp://127.0.0.1:5555", "ipc:///tmp/x", "inproc://x", "udp://x:1", "tcp://a b:1", "tcp://-x:1",
        "--", "-", "=", "--seed", "==", "é", "\u0000", LONG, "-" + LONG, "tcp://" + LONG + ":1"};

    private final Random rand = new Random(SEED);

    @Test
    void everyArgumentListParsesToCheckedValuesOrIsRefusedNamingTheParameter() {
        long start = System.nanoTime();
        int accepted = 0;
        int rejected = 0;
        int total = 0;
        for (Blocks.Entry e : Blocks.ALL) {
            BlockSpec spec = e.spec();
            for (int i = 0; i < PER_BLOCK; i++, total++) {
                List<String> args = next(spec, i);
                Params p;
                try {
                    p = spec.parse(args);
                } catch (Throwable t) {
                    checkRefusal(spec, i, args, t);
                    rejected++;
                    continue;
                }
                checkAccepted(spec, i, args, p);
                accepted++;
            }
        }
        Fuzz.Stats s = new Fuzz.Stats("block parameters (" + Blocks.ALL.size() + " blocks)", total, accepted,
                rejected, (System.nanoTime() - start) / 1e9);
        System.out.println(s.line());
        assertTrue(accepted > 1000 && rejected > 1000, s.line());
    }

    @Test
    void aBadAddressIsRefusedNamingThePort() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChannelBlock.SPEC.parse(List.of("--in", "udp://x:1")));
        assertEquals("block 'channel': --in: ZeroMQ address 'udp://x:1' is not of the form tcp://host:port",
                e.getMessage());
        // an input connects, so port 0 and the wildcard host are refused; an output binds, so they are not
        assertThrows(IllegalArgumentException.class, () -> ChannelBlock.SPEC.parse(List.of("--in", "tcp://*:0")));
        assertEquals("tcp://*:0", ChannelBlock.SPEC.parse(List.of("--out", "tcp://*:0")).address("out"));
    }

    @Test
    void aHugeValueIsQuotedShortInTheError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChannelBlock.SPEC.parse(List.of("--seed", LONG)));
        assertTrue(e.getMessage().startsWith("parameter 'seed': '99999"), e.getMessage());
        assertTrue(e.getMessage().contains("(100000 characters)"), e.getMessage());
        assertTrue(e.getMessage().length() < MAX_MESSAGE, e.getMessage().length() + " characters");
    }

    // ---------------------------------------------------------------- generation

    private List<String> next(BlockSpec spec, int i) {
        int kind = rand.nextInt(100);
        if (kind < 10) {
            return valid(spec);
        }
        if (kind < 90) {
            List<String> args = valid(spec);
            for (int n = 1 + rand.nextInt(3); n > 0; n--) {
                mutate(spec, args);
            }
            return args;
        }
        List<String> args = new ArrayList<>();
        for (int n = rand.nextInt(6); n > 0; n--) {
            args.add(rand.nextBoolean() ? randomString() : "--" + randomString());
        }
        return args;
    }

    private List<String> valid(BlockSpec spec) {
        List<String[]> pairs = new ArrayList<>();
        for (ParamSpec p : spec.params()) {
            if (rand.nextInt(3) > 0) {
                pairs.add(new String[] {flag(p.id()), validValue(p)});
            }
        }
        for (PortSpec port : spec.ports()) {
            if (rand.nextBoolean()) {
                String a = port.direction() == PortSpec.Direction.OUT && rand.nextBoolean()
                        ? (rand.nextBoolean() ? "tcp://*:0" : "tcp://127.0.0.1:0")
                        : "tcp://127.0.0.1:" + (1 + rand.nextInt(65535));
                pairs.add(new String[] {flag(port.id()), a});
            }
        }
        java.util.Collections.shuffle(pairs, rand);
        List<String> args = new ArrayList<>();
        for (String[] kv : pairs) {
            if (rand.nextBoolean()) {
                args.add(kv[0] + "=" + kv[1]);
            } else {
                args.add(kv[0]);
                args.add(kv[1]);
            }
        }
        return args;
    }

    /** --id, or --id with '-' for '_' (both are accepted). */
    private String flag(String id) {
        return "--" + (rand.nextInt(4) == 0 ? id.replace('_', '-') : id);
    }

    private String validValue(ParamSpec p) {
        switch (p.kind()) {
            case INT: {
                long lo = p.min() == null ? Long.MIN_VALUE : p.min().longValue();
                long hi = p.max() == null ? Long.MAX_VALUE : p.max().longValue();
                long v = switch (rand.nextInt(4)) {
                    case 0 -> lo;
                    case 1 -> hi;
                    case 2 -> Long.parseLong(p.defaultValue());
                    default -> lo + (long) (rand.nextDouble() * ((double) hi - lo));
                };
                return Long.toString(Math.max(lo, Math.min(hi, v)));
            }
            case REAL: {
                double lo = p.min() == null ? -1e300 : p.min();
                double hi = p.max() == null ? 1e300 : p.max();
                double v = switch (rand.nextInt(4)) {
                    case 0 -> lo;
                    case 1 -> hi;
                    case 2 -> Double.parseDouble(p.defaultValue());
                    default -> lo + rand.nextDouble() * (hi - lo);
                };
                return Double.toString(Math.max(lo, Math.min(hi, v)));
            }
            case ENUM:
                return p.options().get(rand.nextInt(p.options().size()));
            case BOOL:
                return Boolean.toString(rand.nextBoolean());
            default:
                return rand.nextBoolean() ? p.defaultValue() : randomString();
        }
    }

    private void mutate(BlockSpec spec, List<String> args) {
        int n = args.size();
        switch (rand.nextInt(9)) {
            case 0 -> {
                if (n > 0) {
                    args.remove(rand.nextInt(n));
                }
            }
            case 1 -> {
                if (n > 0) {
                    args.add(rand.nextInt(n + 1), args.get(rand.nextInt(n)));
                }
            }
            case 2 -> {
                if (n > 1) {
                    java.util.Collections.swap(args, rand.nextInt(n), rand.nextInt(n));
                }
            }
            case 3 -> {
                if (n > 0) {
                    args.subList(rand.nextInt(n), n).clear();
                }
            }
            case 4, 5 -> { // a value (or anything) replaced by a hostile one
                String v = HOSTILE[rand.nextInt(HOSTILE.length)];
                if (n > 0) {
                    int at = rand.nextInt(n);
                    String a = args.get(at);
                    int eq = a.indexOf('=');
                    args.set(at, a.startsWith("--") && eq > 0 && rand.nextBoolean() ? a.substring(0, eq + 1) + v : v);
                } else {
                    args.add(v);
                }
            }
            case 6 -> { // a declared flag with a hostile value, or dangling at the end
                List<String> ids = new ArrayList<>();
                spec.params().forEach(p -> ids.add(p.id()));
                spec.ports().forEach(p -> ids.add(p.id()));
                String f = "--" + ids.get(rand.nextInt(ids.size()));
                if (rand.nextInt(4) == 0) {
                    args.add(f);
                } else {
                    args.add(rand.nextInt(args.size() + 1), f + "=" + HOSTILE[rand.nextInt(HOSTILE.length)]);
                }
            }
            case 7 -> { // a character edited
                if (n > 0) {
                    int at = rand.nextInt(n);
                    args.set(at, editChar(args.get(at)));
                }
            }
            default -> args.add(rand.nextInt(n + 1), rand.nextBoolean() ? randomString() : "--" + randomString());
        }
    }

    private String editChar(String s) {
        StringBuilder b = new StringBuilder(s);
        int at = b.length() == 0 ? 0 : rand.nextInt(b.length());
        char c = "-=_ .0e9aZ:/*\u00e9\t".charAt(rand.nextInt(15));
        switch (rand.nextInt(3)) {
            case 0 -> b.insert(at, c);
            case 1 -> {
                if (b.length() > 0) {
                    b.deleteCharAt(at);
                }
            }
            default -> {
                if (b.length() > 0) {
                    b.setCharAt(at, c);
                }
            }
        }
        return b.toString();
    }

    private String randomString() {
        int len = rand.nextInt(200) == 0 ? 10_000 + rand.nextInt(90_000) : rand.nextInt(12);
        StringBuilder b = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            b.append(rand.nextInt(4) == 0 ? (char) rand.nextInt(0x3000) : "abcdefghijklmnopqrstuvwxyz_-=.:/0123456789"
                    .charAt(rand.nextInt(42)));
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- checks

    private static String describe(BlockSpec spec, int i, List<String> args) {
        List<String> shown = args.stream().map(Fuzz::abbreviate).toList();
        return "fuzz block '" + spec.name() + "', seed " + SEED + ", input " + i + ": " + shown;
    }

    private static void checkRefusal(BlockSpec spec, int i, List<String> args, Throwable t) {
        if (t.getClass() != IllegalArgumentException.class) {
            fail(describe(spec, i, args) + ": threw " + t, t);
        }
        String m = t.getMessage();
        if (m == null || m.isBlank() || m.length() > MAX_MESSAGE || m.contains("\n")) {
            fail(describe(spec, i, args) + ": refused without one clear line: "
                    + (m == null ? null : Fuzz.abbreviate(m) + " (" + m.length() + " characters)"));
        }
        if (!namesTheParameter(spec, args, m)) {
            fail(describe(spec, i, args) + ": the message names no parameter or argument: " + m);
        }
    }

    /** A declared id in quotes or as a flag, or the start of one of the arguments in quotes. */
    private static boolean namesTheParameter(BlockSpec spec, List<String> args, String m) {
        for (ParamSpec p : spec.params()) {
            if (m.contains("'" + p.id() + "'") || m.contains("--" + p.id())) {
                return true;
            }
        }
        for (PortSpec p : spec.ports()) {
            if (m.contains("--" + p.id())) {
                return true;
            }
        }
        for (String a : args) {
            String id = a.startsWith("--") ? a.substring(2, a.indexOf('=') > 0 ? a.indexOf('=') : a.length()) : a;
            String head = escaped(id.substring(0, Math.min(20, id.length())));
            if (m.contains("'" + head) || m.contains("--" + head)) {
                return true;
            }
        }
        return false;
    }

    /** As an error message quotes an argument: control characters escaped ({@code \\n}, {@code \\u0000}). */
    private static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(Character.isISOControl(c) ? String.format(Locale.ROOT, "\\u%04x", (int) c)
                        : String.valueOf(c));
            }
        }
        return b.toString();
    }

    private void checkAccepted(BlockSpec spec, int i, List<String> args, Params p) {
        try {
            for (ParamSpec q : spec.params()) {
                Object v = p.values().get(q.id());
                switch (q.kind()) {
                    case INT -> {
                        long x = (Long) v;
                        assertTrue((q.min() == null || x >= q.min()) && (q.max() == null || x <= q.max()),
                                q.id() + " = " + x + " outside its limits");
                    }
                    case REAL -> {
                        double x = (Double) v;
                        assertTrue(Double.isFinite(x) && (q.min() == null || x >= q.min())
                                && (q.max() == null || x <= q.max()), q.id() + " = " + x + " outside its limits");
                    }
                    case ENUM -> assertTrue(q.options().contains((String) v), q.id() + " = " + v);
                    case BOOL -> assertTrue(v instanceof Boolean, q.id() + " = " + v);
                    default -> assertTrue(v instanceof String, q.id() + " = " + v);
                }
            }
            List<String> again = new ArrayList<>();
            for (PortSpec port : spec.ports()) {
                String a = p.address(port.id());
                if (a != null) {
                    Endpoints.requireTcp(a, port.direction() == PortSpec.Direction.OUT);
                    again.add("--" + port.id());
                    again.add(a);
                }
            }
            for (Map.Entry<String, Object> v : p.values().entrySet()) {
                again.add("--" + v.getKey());
                again.add(String.valueOf(v.getValue()));
            }
            assertEquals(p.values(), spec.parse(again).values(), "the values parse again to themselves");
        } catch (Throwable t) {
            fail(describe(spec, i, args) + ": accepted as " + Fuzz.abbreviate(p.values().toString())
                    + String.format(Locale.ROOT, " but the check failed: %s", t), t);
        }
    }
}
