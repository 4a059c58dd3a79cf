package org.grmodelfree.block;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grmodelfree.wire.Curve;
import org.grmodelfree.wire.CurveAuth;
import org.grmodelfree.wire.CurveKeys;
import org.zeromq.ZContext;

/**
 * A block's CURVE settings, from {@link BlockParams#CURVE_SECRET}, {@link BlockParams#CURVE_CLIENTS}
 * and {@link BlockParams#CURVE_SERVERS}, checked and with every key file read before any socket
 * exists: a bound message output is a CURVE server that lets in the clients whose public keys are
 * in the clients directory; a connected message input is a CURVE client that knows its server's
 * public key from a file. Errors name the parameter, the port or the file.
 */
final class CurveSettings {

    private final CurveKeys.Pair own;
    private final Path clients;
    /** Message input id to its server's public key and the file it came from. */
    private final Map<String, Map.Entry<byte[], Path>> servers;

    private CurveSettings(CurveKeys.Pair own, Path clients, Map<String, Map.Entry<byte[], Path>> servers) {
        this.own = own;
        this.clients = clients;
        this.servers = servers;
    }

    /**
     * The block's CURVE settings, or null when curve_secret is empty (plain ZeroMQ).
     *
     * @param pdu whether the message ports carry PDUs for GNU Radio (which has no CURVE)
     * @throws IllegalArgumentException naming what is missing or wrong
     */
    static CurveSettings of(BlockSpec spec, Params params, boolean pdu) {
        if (!params.declares(BlockParams.CURVE_SECRET)) {
            return null;
        }
        String name = spec.name();
        String secret = params.string(BlockParams.CURVE_SECRET).trim();
        String clientsDir = params.string(BlockParams.CURVE_CLIENTS).trim();
        String serverList = params.string(BlockParams.CURVE_SERVERS).trim();
        if (secret.isEmpty()) {
            if (!clientsDir.isEmpty() || !serverList.isEmpty()) {
                throw new IllegalArgumentException(name + ": --" + (clientsDir.isEmpty() ? "curve_servers"
                        : "curve_clients") + " is given without --curve_secret, this block's own key pair");
            }
            return null;
        }
        if (pdu) {
            throw new IllegalArgumentException(name + ": --curve_secret with --msg_format pdu: PDU message ports go"
                    + " through GNU Radio's ZeroMQ message blocks, which have no CURVE; use msg_format msgpack"
                    + " between gr-modelfree blocks, or keep the PDU links on a trusted segment (docs/security.md)");
        }
        CurveKeys.Pair own = CurveKeys.readSecret(Path.of(secret));
        Map<String, Map.Entry<byte[], Path>> servers = new LinkedHashMap<>();
        if (!serverList.isEmpty()) {
            for (String item : serverList.split(",")) {
                int eq = item.indexOf('=');
                String port = eq < 0 ? item.trim() : item.substring(0, eq).trim();
                String file = eq < 0 ? "" : item.substring(eq + 1).trim();
                if (file.isEmpty()) {
                    throw new IllegalArgumentException(name + ": --curve_servers: '" + item.trim()
                            + "' is not port=FILE");
                }
                PortSpec p = spec.ports().stream().filter(q -> q.id().equals(port)).findFirst().orElse(null);
                if (p == null || p.domain() != PortSpec.Domain.MESSAGE || p.direction() != PortSpec.Direction.IN) {
                    throw new IllegalArgumentException(name + ": --curve_servers: '" + port + "' is not a message"
                            + " input of this block; its message inputs: " + messagePorts(spec, PortSpec.Direction.IN));
                }
                if (servers.containsKey(port)) {
                    throw new IllegalArgumentException(name + ": --curve_servers names '" + port + "' twice");
                }
                Path f = Path.of(file);
                servers.put(port, Map.entry(CurveKeys.readPublic(f), f));
            }
        }
        Path clients = null;
        for (PortSpec p : spec.ports()) {
            if (p.domain() != PortSpec.Domain.MESSAGE || !p.enabled(params)) {
                continue;
            }
            if (p.direction() == PortSpec.Direction.IN) {
                if (params.address(p.id()) != null && !servers.containsKey(p.id())) {
                    throw new IllegalArgumentException(name + ": input '" + p.id() + "' connects with CURVE and"
                            + " needs the public key of the block it connects to: --curve_servers " + p.id()
                            + "=FILE (that block's NAME.key)");
                }
            } else if (clients == null) {
                if (clientsDir.isEmpty()) {
                    throw new IllegalArgumentException(name + ": output '" + p.id() + "' binds with CURVE and needs"
                            + " --curve_clients DIR, a directory of the public keys (NAME.key) of the blocks"
                            + " allowed to connect");
                }
                clients = Path.of(clientsDir);
            }
        }
        return new CurveSettings(own, clients, servers);
    }

    private static List<String> messagePorts(BlockSpec spec, PortSpec.Direction d) {
        return spec.ports().stream().filter(p -> p.domain() == PortSpec.Domain.MESSAGE && p.direction() == d)
                .map(PortSpec::id).toList();
    }

    /**
     * The ZAP handler for the context's CURVE servers, or null when the block binds no message
     * output. Close it after those servers (see {@link CurveAuth}).
     */
    CurveAuth startAuth(ZContext context) {
        return clients == null ? null : new CurveAuth(context, clients);
    }

    /** The CURVE role of a message port: a server for an output, a client of its server for an input. */
    Curve forPort(PortSpec port, CurveAuth auth) {
        if (port.direction() == PortSpec.Direction.OUT) {
            return Curve.server(own, auth);
        }
        Map.Entry<byte[], Path> server = servers.get(port.id());
        return Curve.client(own, server.getKey(), server.getValue().toString());
    }

    /** For the port's log line: how it is secured. */
    String describe(PortSpec port) {
        return port.direction() == PortSpec.Direction.OUT
                ? " (CURVE, key " + own.file() + ", clients in " + clients + ")"
                : " (CURVE, key " + own.file() + ", server key " + servers.get(port.id()).getValue() + ")";
    }
}
