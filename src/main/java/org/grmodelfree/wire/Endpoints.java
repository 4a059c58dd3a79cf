package org.grmodelfree.wire;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * ZeroMQ addresses: validation, binding and connecting. Only {@code tcp://host:port} is
 * accepted, because JeroMQ's {@code ipc://} is TCP underneath and does not reach libzmq's ipc
 * (docs/gnuradio.md). A socket binds to {@value #DEFAULT_BIND} (loopback, a free port) unless the
 * caller names an address; the port actually bound is read back from the socket.
 */
public final class Endpoints {

    /** Loopback, any free port: the default for every bound socket. */
    public static final String DEFAULT_BIND = "tcp://127.0.0.1:0";

    /** Host: {@code *}, a bracketed IPv6 literal, or a name or IPv4 address. */
    private static final Pattern TCP = Pattern.compile(
            "tcp://(\\*|\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):([0-9]{1,5})");

    private Endpoints() {}

    /**
     * Checks that {@code address} is {@code tcp://host:port}. For binding, host may be
     * {@code *} (all interfaces, only when the caller asks for it) and port 0 (any free port);
     * for connecting, neither.
     *
     * @param address the address to check
     * @param forBind whether the address will be bound rather than connected to
     * @return {@code address}
     * @throws IllegalArgumentException naming the address and what is wrong with it
     */
    public static String requireTcp(String address, boolean forBind) {
        if (address == null) {
            throw new IllegalArgumentException("ZeroMQ address is null; expected tcp://host:port");
        }
        Matcher m = TCP.matcher(address);
        if (!m.matches()) {
            throw new IllegalArgumentException("ZeroMQ address '" + address
                    + "' is not of the form tcp://host:port");
        }
        int port = Integer.parseInt(m.group(2));
        if (port > 65535) {
            throw new IllegalArgumentException("ZeroMQ address '" + address + "': port " + port
                    + " is above 65535");
        }
        if (!forBind && (port == 0 || m.group(1).equals("*"))) {
            throw new IllegalArgumentException("ZeroMQ address '" + address
                    + "': cannot connect to a wildcard host or port 0");
        }
        return address;
    }

    /**
     * Binds {@code socket} to {@code address}, or to {@value #DEFAULT_BIND} when it is null.
     *
     * @param socket the socket. Modified (bound).
     * @return the endpoint actually bound, with the real port, e.g. {@code tcp://127.0.0.1:41234}
     * @throws IllegalArgumentException for an address that is not {@code tcp://host:port}
     * @throws IllegalStateException if the bind fails (address in use, unknown interface)
     */
    public static String bind(ZMQ.Socket socket, String address) {
        String a = requireTcp(address == null ? DEFAULT_BIND : address, true);
        try {
            socket.bind(a);
        } catch (ZMQException e) {
            throw new IllegalStateException("cannot bind ZeroMQ address '" + a + "': "
                    + e.getMessage(), e);
        }
        return socket.getLastEndpoint();
    }

    /**
     * Connects {@code socket} to {@code address}. ZeroMQ connects in the background, so this
     * succeeds even if nothing listens there yet.
     *
     * @param socket the socket. Modified (connected).
     * @return {@code address}
     * @throws IllegalArgumentException for an address that is not {@code tcp://host:port}
     */
    public static String connect(ZMQ.Socket socket, String address) {
        requireTcp(address, false);
        try {
            socket.connect(address);
        } catch (ZMQException e) {
            throw new IllegalArgumentException("cannot connect to ZeroMQ address '" + address
                    + "': " + e.getMessage(), e);
        }
        return address;
    }
}
