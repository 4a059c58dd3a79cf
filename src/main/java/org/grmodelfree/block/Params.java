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

    /** Whether the block declares this parameter. */
    public boolean has(String id) {
        return values.containsKey(id);
    }

    /** All values by parameter id, in declaration order. */
    public Map<String, Object> values() {
        return values;
    }

    public long integer(String id) {
        return (Long) get(id, ParamSpec.Kind.INT);
    }

    public double real(String id) {
        return (Double) get(id, ParamSpec.Kind.REAL);
    }

    /** A string or enum parameter. */
    public String string(String id) {
        ParamSpec p = spec.param(id);
        if (p.kind() != ParamSpec.Kind.STRING && p.kind() != ParamSpec.Kind.ENUM) {
            throw new IllegalArgumentException("parameter '" + id + "' is " + p.kind().grc() + ", not a string");
        }
        return (String) values.get(id);
    }

    public boolean bool(String id) {
        return (Boolean) get(id, ParamSpec.Kind.BOOL);
    }

    private Object get(String id, ParamSpec.Kind kind) {
        ParamSpec p = spec.param(id);
        if (p.kind() != kind) {
            throw new IllegalArgumentException("parameter '" + id + "' is " + p.kind().grc() + ", not " + kind.grc());
        }
        return values.get(id);
    }
}
