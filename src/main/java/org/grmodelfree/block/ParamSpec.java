package org.grmodelfree.block;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One parameter of a block: typed, with a default, limits or options, and documentation; the id is
 * the command-line flag ({@code --id}) and the id in the block's YAML.
 *
 * @param id lower-case identifier
 * @param label what GRC shows
 * @param kind value type, named as GRC's dtypes
 * @param defaultValue the default, as it would be written on the command line
 * @param min smallest allowed value of a number (null: none)
 * @param max largest allowed value of a number (null: none)
 * @param options allowed values of an enum (empty otherwise)
 * @param runtime whether it may change while the block runs (a GRC callback)
 * @param advanced whether GRC shows it under the Advanced tab
 * @param doc one line of documentation
 */
public record ParamSpec(String id, String label, Kind kind, String defaultValue, Double min, Double max,
                        List<String> options, boolean runtime, boolean advanced, String doc) {

    /** Value types, with GRC's dtype names. */
    public enum Kind {
        INT, REAL, STRING, ENUM, BOOL;

        public String grc() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * An option of an enum parameter, as an enum constant: its id is the value on the command line
     * and in GRC. Declaring the parameter from the enum ({@link #choice(String, String, Enum, String)})
     * keeps the options in one place, and {@link Params#choice} gives the constant back. The id is
     * by default the constant's name in lower case with '-' for '_' (MIN_DISTANCE: "min-distance").
     */
    public interface Choice {
        /** The enum constant's name (implemented by every enum). */
        String name();

        default String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The ids of an enum's constants, in declaration order. */
    static <E extends Enum<E> & Choice> List<String> ids(Class<E> type) {
        return java.util.Arrays.stream(type.getEnumConstants()).map(Choice::id).toList();
    }

    /** The constant of type with this id; IllegalArgumentException listing the ids otherwise. */
    public static <E extends Enum<E> & Choice> E option(Class<E> type, String id) {
        for (E e : type.getEnumConstants()) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("'" + id + "' is not one of " + ids(type));
    }

    public ParamSpec {
        if (id == null || !PortSpec.ID.matcher(id).matches()) {
            throw new IllegalArgumentException("parameter id '" + id + "' must be lower case letters, digits and _");
        }
        options = List.copyOf(options);
        if ((kind == Kind.ENUM) == options.isEmpty()) {
            throw new IllegalArgumentException("parameter '" + id + "': enums need options, other kinds none");
        }
        if ((min != null || max != null) && kind != Kind.INT && kind != Kind.REAL) {
            throw new IllegalArgumentException("parameter '" + id + "': only numbers have limits");
        }
        if (doc == null || doc.isBlank() || label == null || label.isBlank()) {
            throw new IllegalArgumentException("parameter '" + id + "' needs a label and documentation");
        }
        parseWith(id, kind, defaultValue, min, max, options);
    }

    public static ParamSpec integer(String id, String label, long def, Long min, Long max, String doc) {
        return new ParamSpec(id, label, Kind.INT, Long.toString(def), min == null ? null : min.doubleValue(),
                max == null ? null : max.doubleValue(), List.of(), false, false, doc);
    }

    public static ParamSpec real(String id, String label, double def, Double min, Double max, String doc) {
        return new ParamSpec(id, label, Kind.REAL, Double.toString(def), min, max, List.of(), false, false, doc);
    }

    public static ParamSpec string(String id, String label, String def, String doc) {
        return new ParamSpec(id, label, Kind.STRING, def, null, null, List.of(), false, false, doc);
    }

    public static ParamSpec choice(String id, String label, String def, List<String> options, String doc) {
        return new ParamSpec(id, label, Kind.ENUM, def, null, null, options, false, false, doc);
    }

    /** An enum parameter whose options are the ids of def's enum constants, in declaration order. */
    public static <E extends Enum<E> & Choice> ParamSpec choice(String id, String label, E def, String doc) {
        return choice(id, label, def.id(), ids(def.getDeclaringClass()), doc);
    }

    public static ParamSpec bool(String id, String label, boolean def, String doc) {
        return new ParamSpec(id, label, Kind.BOOL, Boolean.toString(def), null, null, List.of(), false, false, doc);
    }

    /** The command-line flag of this parameter: {@code --id}. */
    public String flag() {
        return "--" + id;
    }

    /** The same parameter, changeable while the block runs. */
    public ParamSpec atRuntime() {
        return new ParamSpec(id, label, kind, defaultValue, min, max, options, true, advanced, doc);
    }

    /** The same parameter, under GRC's Advanced tab. */
    public ParamSpec inAdvanced() {
        return new ParamSpec(id, label, kind, defaultValue, min, max, options, runtime, true, doc);
    }

    /**
     * The typed value of a command-line string: Long, Double, String or Boolean. Throws
     * IllegalArgumentException naming the parameter, the value and the rule it breaks.
     */
    public Object parse(String raw) {
        return parseWith(id, kind, raw, min, max, options);
    }

    private static Object parseWith(String id, Kind kind, String raw, Double min, Double max, List<String> options) {
        if (raw == null) {
            throw new IllegalArgumentException("parameter '" + id + "' has no value");
        }
        String v = raw.trim();
        return switch (kind) {
            case INT -> {
                long n;
                try {
                    n = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("parameter '" + id + "': " + quote(raw) + " is not a whole number");
                }
                checkLimits(id, n, min, max);
                yield n;
            }
            case REAL -> {
                double d;
                try {
                    d = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("parameter '" + id + "': " + quote(raw) + " is not a number");
                }
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("parameter '" + id + "': " + quote(raw) + " is not a finite number");
                }
                checkLimits(id, d, min, max);
                yield d;
            }
            case STRING -> raw;
            case ENUM -> {
                if (!options.contains(v)) {
                    throw new IllegalArgumentException("parameter '" + id + "': " + quote(raw) + " is not one of " + options);
                }
                yield v;
            }
            case BOOL -> {
                if (!v.equals("true") && !v.equals("false")) {
                    throw new IllegalArgumentException("parameter '" + id + "': " + quote(raw) + " is not true or false");
                }
                yield Boolean.parseBoolean(v);
            }
        };
    }

    /** Longest argument an error message quotes whole. */
    private static final int QUOTED = 64;

    /**
     * An argument as an error message quotes it: on one line (control characters escaped, as
     * {@code \n} or {@code \u0000}) and short (a longer one cut after {@value #QUOTED} characters,
     * saying how long it was), so a hostile value cannot flood or split the one-line error.
     */
    static String quote(String raw) {
        StringBuilder b = new StringBuilder("'");
        int n = Math.min(raw.length(), QUOTED);
        for (int i = 0; i < n; i++) {
            char c = raw.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (raw.length() > QUOTED) {
            b.append("...' (").append(raw.length()).append(" characters)");
            return b.toString();
        }
        return b.append('\'').toString();
    }

    private static void checkLimits(String id, double v, Double min, Double max) {
        if (min != null && v < min) {
            throw new IllegalArgumentException("parameter '" + id + "': " + format(v) + " is below the minimum " + format(min));
        }
        if (max != null && v > max) {
            throw new IllegalArgumentException("parameter '" + id + "': " + format(v) + " is above the maximum " + format(max));
        }
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** This parameter as an ordered map for {@code --describe}. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("label", label);
        m.put("dtype", kind.grc());
        m.put("default", parse(defaultValue));
        if (min != null) {
            m.put("min", kind == Kind.INT ? (Object) min.longValue() : min);
        }
        if (max != null) {
            m.put("max", kind == Kind.INT ? (Object) max.longValue() : max);
        }
        if (!options.isEmpty()) {
            m.put("options", options);
        }
        m.put("runtime", runtime);
        m.put("advanced", advanced);
        m.put("doc", doc);
        return m;
    }
}
