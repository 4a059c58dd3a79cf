package org.grmodelfree.block;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One port of a block, as GNU Radio Companion sees it: a stream port with an item type, or a
 * message port; its id is the id in the block's YAML.
 *
 * @param id lower-case identifier, e.g. "out" or "losses"
 * @param domain stream or message
 * @param direction in or out
 * @param item item type of a stream port; {@link Item#NONE} for message ports
 * @param optional whether the port may stay unconnected
 * @param doc one line of documentation
 * @param enable the parameter value that makes the port exist, or null for a port that always does
 */
public record PortSpec(String id, Domain domain, Direction direction, Item item, boolean optional, String doc,
                       Enable enable) {
    static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]*");

    /** GRC's port domains. */
    public enum Domain {
        STREAM, MESSAGE;

        public String grc() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which way data flows. */
    public enum Direction {
        IN, OUT
    }

    /** Stream item types, with GRC's dtype names and sizes. */
    public enum Item {
        COMPLEX("complex", 8), FLOAT("float", 4), BYTE("byte", 1), NONE(null, 0);

        private final String grc;
        private final int bytes;

        Item(String grc, int bytes) {
            this.grc = grc;
            this.bytes = bytes;
        }

        /** GRC's dtype, null for message ports. */
        public String grc() {
            return grc;
        }

        public int bytes() {
            return bytes;
        }
    }

    /**
     * The value of an enum parameter with which a port exists. GNU Radio allows no unconnected
     * stream port in a hierarchical block, so the Python bridge builds the port, GRC shows it and
     * the runner opens a socket for it only with that value.
     */
    public record Enable(String param, String value) {
    }

    /** A port that always exists. */
    public PortSpec(String id, Domain domain, Direction direction, Item item, boolean optional, String doc) {
        this(id, domain, direction, item, optional, doc, null);
    }

    public PortSpec {
        if (enable != null && !optional) {
            throw new IllegalArgumentException("port '" + id + "': a port that a parameter enables is optional");
        }
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("port id '" + id + "' must be lower case letters, digits and _");
        }
        if ((domain == Domain.STREAM) == (item == Item.NONE)) {
            throw new IllegalArgumentException("port '" + id + "': stream ports need an item type, message ports none");
        }
        if (doc == null || doc.isBlank()) {
            throw new IllegalArgumentException("port '" + id + "' needs documentation");
        }
    }

    public static PortSpec streamIn(String id, Item item, String doc) {
        return new PortSpec(id, Domain.STREAM, Direction.IN, item, false, doc);
    }

    public static PortSpec streamOut(String id, Item item, String doc) {
        return new PortSpec(id, Domain.STREAM, Direction.OUT, item, false, doc);
    }

    /** A stream input that exists only when enum parameter param has the given value. */
    public static PortSpec streamIn(String id, Item item, String param, String value, String doc) {
        return new PortSpec(id, Domain.STREAM, Direction.IN, item, true, doc, new Enable(param, value));
    }

    /** A stream output that exists only when enum parameter param has the given value. */
    public static PortSpec streamOut(String id, Item item, String param, String value, String doc) {
        return new PortSpec(id, Domain.STREAM, Direction.OUT, item, true, doc, new Enable(param, value));
    }

    /** A stream input that exists only when enum parameter param has the given value. */
    public static PortSpec streamIn(String id, Item item, ParamSpec param, ParamSpec.Choice value, String doc) {
        return streamIn(id, item, param.id(), value.id(), doc);
    }

    /** A stream output that exists only when enum parameter param has the given value. */
    public static PortSpec streamOut(String id, Item item, ParamSpec param, ParamSpec.Choice value, String doc) {
        return streamOut(id, item, param.id(), value.id(), doc);
    }

    /** Whether the port exists with these parameters (see {@link Enable}). */
    public boolean enabled(Params p) {
        return enable == null || p.value(enable.param()).equals(enable.value());
    }

    /** The command-line option giving this port's ZeroMQ address: {@code --id}. */
    public String flag() {
        return "--" + id;
    }

    public static PortSpec messageIn(String id, boolean optional, String doc) {
        return new PortSpec(id, Domain.MESSAGE, Direction.IN, Item.NONE, optional, doc);
    }

    public static PortSpec messageOut(String id, boolean optional, String doc) {
        return new PortSpec(id, Domain.MESSAGE, Direction.OUT, Item.NONE, optional, doc);
    }

    /**
     * Checks that this is a stream port of the given direction and item type, for a read or write
     * with the method of that item type; otherwise an IllegalArgumentException naming the block,
     * the port and what it carries.
     */
    void requireStream(String block, Direction dir, Item want) {
        if (domain != Domain.STREAM || direction != dir || item != want) {
            String is = domain == Domain.STREAM ? item.grc() + " stream " + direction.name().toLowerCase(Locale.ROOT)
                    + "put" : "message " + direction.name().toLowerCase(Locale.ROOT) + "put";
            throw new IllegalArgumentException(block + ": port '" + id + "' is a " + is + ", not a " + want.grc()
                    + " stream " + dir.name().toLowerCase(Locale.ROOT) + "put");
        }
    }

    /**
     * Checks that this is a message port of the given direction, for a receive or send; otherwise
     * an IllegalArgumentException naming the block, the port and what it carries.
     */
    void requireMessage(String block, Direction dir) {
        if (domain != Domain.MESSAGE || direction != dir) {
            String is = domain == Domain.STREAM ? item.grc() + " stream " + direction.name().toLowerCase(Locale.ROOT)
                    + "put" : "message " + direction.name().toLowerCase(Locale.ROOT) + "put";
            throw new IllegalArgumentException(block + ": port '" + id + "' is a " + is + ", not a message "
                    + dir.name().toLowerCase(Locale.ROOT) + "put");
        }
    }

    /** This port as an ordered map for {@code --describe}. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("domain", domain.grc());
        m.put("direction", direction.name().toLowerCase(Locale.ROOT));
        if (item != Item.NONE) {
            m.put("dtype", item.grc());
        }
        m.put("optional", optional);
        if (enable != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("parameter", enable.param());
            e.put("value", enable.value());
            m.put("enabled_by", e);
        }
        m.put("doc", doc);
        return m;
    }
}
