package org.grmodelfree.block;

import java.util.Collections;
import java.util.Map;

/** A block's parameter values, parsed and checked against its {@link BlockSpec}. Immutable. */
public final class Params {
    private final BlockSpec spec;
    private final Map<String, Object> values;
    private final Map<String, String> addresses;

    Params(BlockSpec spec, Map<String, Object> values, Map<String, String> addresses) {
        this.spec = spec;
        this.values = Collections.unmodifiableMap(values);
        this.addresses = Collections.unmodifiableMap(addresses);
    }

    public BlockSpec spec() {
        return spec;
    }

    /** The ZeroMQ address given for a port ({@code --port tcp://...}), or null when none was given. */
    public String address(String port) {
        spec.port(port);
        return addresses.get(port);
    }

    /**
     * Whether the block declares this parameter (this very constant: a parameter of another block
     * with the same id is not the block's).
     */
    public boolean declares(ParamSpec p) {
        return spec.params().stream().anyMatch(q -> q == p);
    }

    /** All values by parameter id, in declaration order. */
    public Map<String, Object> values() {
        return values;
    }

    public long integer(ParamSpec p) {
        return (Long) get(p, ParamSpec.Kind.INT);
    }

    public double real(ParamSpec p) {
        return (Double) get(p, ParamSpec.Kind.REAL);
    }

    /** A string parameter, or the option id of an enum parameter. */
    public String string(ParamSpec p) {
        spec.declared(p);
        if (p.kind() != ParamSpec.Kind.STRING && p.kind() != ParamSpec.Kind.ENUM) {
            throw new IllegalArgumentException("parameter '" + p.id() + "' is " + p.kind().grc() + ", not a string");
        }
        return (String) values.get(p.id());
    }

    public boolean bool(ParamSpec p) {
        return (Boolean) get(p, ParamSpec.Kind.BOOL);
    }

    /** The value of an enum parameter declared from the options of type (see {@link ParamSpec#choice(String, String, Enum, String)}). */
    public <E extends Enum<E> & ParamSpec.Choice> E choice(ParamSpec p, Class<E> type) {
        String v = string(p);
        if (!p.options().equals(ParamSpec.ids(type))) {
            throw new IllegalArgumentException("parameter '" + p.id() + "' has the options " + p.options() + ", not "
                    + type.getSimpleName() + "'s " + ParamSpec.ids(type));
        }
        return ParamSpec.option(type, v);
    }

    /** The value of a parameter given by id (a port's enabling parameter); unknown ids are refused. */
    Object value(String id) {
        return values.get(spec.param(id).id());
    }

    private Object get(ParamSpec p, ParamSpec.Kind kind) {
        spec.declared(p);
        if (p.kind() != kind) {
            throw new IllegalArgumentException("parameter '" + p.id() + "' is " + p.kind().grc() + ", not " + kind.grc());
        }
        return values.get(p.id());
    }
}
