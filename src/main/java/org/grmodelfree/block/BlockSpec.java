package org.grmodelfree.block;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.grmodelfree.wire.Endpoints;

/**
 * The one declaration of a block: its name, its ports and its parameters. Everything else about
 * the block's interface (command-line parsing, {@code --describe}, the check of its GRC YAML) is
 * derived from it.
 *
 * @param name the block's command-line name, e.g. "receiver"; also the YAML id suffix
 * @param label what GRC shows
 * @param doc a paragraph of documentation
 * @param ports in declaration order
 * @param params in declaration order
 */
public record BlockSpec(String name, String label, String doc, List<PortSpec> ports, List<ParamSpec> params) {

    public BlockSpec {
        ports = List.copyOf(ports);
        params = List.copyOf(params);
        if (name == null || !PortSpec.ID.matcher(name.replace('-', '_')).matches()) {
            throw new IllegalArgumentException("block name '" + name + "' must be lower case letters, digits, - and _");
        }
        Set<String> seen = new HashSet<>();
        for (PortSpec p : ports) {
            if (!seen.add("port " + p.id() + " " + p.direction())) {
                throw new IllegalArgumentException("block '" + name + "' declares " + p.direction() + " port '" + p.id()
                        + "' twice");
            }
        }
        Set<String> portIds = new HashSet<>();
        for (PortSpec p : ports) {
            portIds.add(p.id());
        }
        for (ParamSpec p : params) {
            if (!seen.add("param " + p.id())) {
                throw new IllegalArgumentException("block '" + name + "' declares parameter '" + p.id() + "' twice");
            }
            if (portIds.contains(p.id())) {
                throw new IllegalArgumentException("block '" + name + "': parameter '" + p.id()
                        + "' has the id of a port (port ids are the address options)");
            }
        }
        for (PortSpec p : ports) {
            PortSpec.Enable e = p.enable();
            if (e != null && params.stream().noneMatch(q -> q.id().equals(e.param()) && q.options().contains(e.value()))) {
                throw new IllegalArgumentException("block '" + name + "': port '" + p.id() + "' is enabled by "
                        + e.param() + " = " + e.value() + ", which is not a value of an enum parameter of the block");
            }
        }
    }

    /** The declared port with this id, or an IllegalArgumentException listing the ports. */
    public PortSpec port(String id) {
        for (PortSpec p : ports) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("block '" + name + "' has no port " + ParamSpec.quote(id) + " (it has: "
                + String.join(", ", ports.stream().map(PortSpec::id).toList()) + ")");
    }

    /**
     * The port itself if it is one of this block's declarations (the same constant its SPEC lists),
     * otherwise an IllegalArgumentException naming the block and the port: a block's work may only
     * use the ports it declares.
     */
    public PortSpec declared(PortSpec port) {
        for (PortSpec p : ports) {
            if (p == port) {
                return port;
            }
        }
        throw new IllegalArgumentException("block '" + name + "' does not declare port '"
                + (port == null ? null : port.id()) + "' (it has: "
                + String.join(", ", ports.stream().map(PortSpec::id).toList()) + ")");
    }

    /** The parameter itself if it is one of this block's declarations, otherwise an IllegalArgumentException. */
    public ParamSpec declared(ParamSpec param) {
        for (ParamSpec p : params) {
            if (p == param) {
                return param;
            }
        }
        throw new IllegalArgumentException("block '" + name + "' does not declare parameter '"
                + (param == null ? null : param.id()) + "' (it has: "
                + String.join(", ", params.stream().map(ParamSpec::id).toList()) + ")");
    }

    private boolean hasPort(String id) {
        return ports.stream().anyMatch(p -> p.id().equals(id));
    }

    /** The declared parameter, or an IllegalArgumentException listing the known ones. */
    public ParamSpec param(String id) {
        return param(id, id);
    }

    /** As {@link #param(String)}, naming the parameter as the user wrote it ({@code given}) when it is unknown. */
    private ParamSpec param(String id, String given) {
        for (ParamSpec p : params) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("block '" + name + "' has no parameter " + ParamSpec.quote(given) + " (it has: "
                + String.join(", ", params.stream().map(ParamSpec::id).toList()) + ")");
    }

    /**
     * Parses command-line arguments of the form {@code --id value} (or {@code --id=value}): every
     * declared parameter not given takes its default; a port id takes the ZeroMQ address of that
     * port ({@code tcp://host:port}, checked for connecting to for an input and for binding for an
     * output); unknown, repeated, valueless or invalid ones are rejected with an
     * IllegalArgumentException whose one-line message names them (long or multi-line values are
     * quoted short, on one line).
     */
    public Params parse(List<String> args) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> addresses = new LinkedHashMap<>();
        Set<String> given = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("block '" + name + "': expected --parameter value, got " + ParamSpec.quote(a));
            }
            int eq = a.indexOf('=');
            String id = eq > 0 ? a.substring(2, eq) : a.substring(2);
            String key = id.replace('-', '_');
            PortSpec port = hasPort(key) ? port(key) : null;
            ParamSpec p = port == null ? param(key, id) : null; // an unknown id is named before its value is looked for
            String value;
            if (eq > 0) {
                value = a.substring(eq + 1);
            } else {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("block '" + name + "': --" + id + " needs a value");
                }
                value = args.get(++i);
            }
            if (port != null) {
                if (addresses.put(key, address(id, port, value)) != null) {
                    throw new IllegalArgumentException("block '" + name + "': --" + id + " is given twice");
                }
                continue;
            }
            if (!given.add(p.id())) {
                throw new IllegalArgumentException("block '" + name + "': --" + id + " is given twice");
            }
            values.put(p.id(), p.parse(value));
        }
        Map<String, Object> all = new LinkedHashMap<>();
        for (ParamSpec p : params) {
            all.put(p.id(), values.containsKey(p.id()) ? values.get(p.id()) : p.parse(p.defaultValue()));
        }
        return new Params(this, all, addresses);
    }

    /**
     * The address given for a port, checked as the runner will use it: an input connects (a host
     * and a port other than 0), an output binds ({@code *} and port 0 allowed). A bad one is refused
     * here, naming the port, rather than when the runner opens the socket.
     */
    private String address(String flag, PortSpec port, String value) {
        try {
            return Endpoints.requireTcp(value, port.direction() == PortSpec.Direction.OUT);
        } catch (IllegalArgumentException e) {
            // Endpoints quotes the address whole; quote it short and on one line instead
            throw new IllegalArgumentException("block '" + name + "': --" + flag + ": "
                    + e.getMessage().replace("'" + value + "'", ParamSpec.quote(value)), e);
        }
    }

    /** The block as an ordered map for {@code --describe} (printed as JSON). */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("label", label);
        m.put("doc", doc);
        List<Map<String, Object>> in = new ArrayList<>();
        List<Map<String, Object>> out = new ArrayList<>();
        for (PortSpec p : ports) {
            (p.direction() == PortSpec.Direction.IN ? in : out).add(p.describe());
        }
        m.put("inputs", in);
        m.put("outputs", out);
        m.put("parameters", params.stream().map(ParamSpec::describe).toList());
        return m;
    }
}
