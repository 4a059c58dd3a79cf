package org.grmodelfree.wire;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.zeromq.ZAuth;
import org.zeromq.ZContext;
import org.zeromq.ZMsg;

/**
 * The ZAP handler of one {@link ZContext}: decides which CURVE clients may connect to the
 * context's CURVE server sockets. A client is let in when its public key is in the directory of
 * public key files given ({@link ZAuth}'s certificate store, the czmq format of
 * {@link CurveKeys}; the directory is read again when it changes). Every other client is refused
 * during the handshake, before any message of it is accepted, and the refusal is reported to the
 * server socket it tried ({@link #register}), which counts it for the block's log.
 *
 * <p>Order matters: JeroMQ lets every CURVE client in when a context has no ZAP handler, so this
 * must be running before a CURVE server socket binds, and must be closed only after the
 * context's CURVE server sockets are: {@link FrameSocket} refuses to set up a CURVE server in a
 * context without an open one. One per context (ZAP's endpoint is one per context). NULL and
 * PLAIN clients are refused too (a CURVE server never sees them, as the mechanisms differ).
 */
public final class CurveAuth implements AutoCloseable {

    private final ZContext context;
    private final Path clients;
    private final ZAuth auth;
    private final Map<String, Consumer<String>> servers = new ConcurrentHashMap<>();
    private final AtomicInteger nextDomain = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Starts the handler and loads the client keys.
     *
     * @param context owned by the caller, who closes this before it
     * @param clients a directory holding the public key files ({@code NAME.key}) of the clients
     *     allowed to connect
     * @throws IllegalArgumentException if clients is not a directory or holds no readable public
     *     key file
     */
    public CurveAuth(ZContext context, Path clients) {
        this.context = context;
        this.clients = clients;
        int keys = countKeys(clients);
        if (keys == 0) {
            throw new IllegalArgumentException("CURVE clients directory " + clients + " holds no public key file"
                    + " (NAME" + CurveKeys.PUBLIC_SUFFIX + "); copy there the public keys of the blocks allowed"
                    + " to connect");
        }
        ZAuth.SimpleCurveAuth store = new ZAuth.SimpleCurveAuth();
        ZAuth.Auth curve = new ZAuth.Auth() {
            @Override
            public boolean configure(ZMsg msg, boolean verbose) {
                return store.configure(msg, false);
            }

            @Override
            public boolean authorize(ZAuth.ZapRequest request, boolean verbose) {
                Consumer<String> server = servers.get(request.domain);
                if (server == null) {
                    return false; // not a socket of this handler: fail closed
                }
                if (store.authorize(request, false)) {
                    return true;
                }
                server.accept("refused a client at " + request.address + ": its public key " + request.clientKey
                        + " is not in " + clients);
                return false;
            }
        };
        this.auth = new ZAuth(context, "modelfree-zap", Map.of("CURVE", curve, "NULL", refuse("NULL"),
                "PLAIN", refuse("PLAIN")));
        auth.configureCurve(clients.toAbsolutePath().toString());
    }

    private ZAuth.Auth refuse(String mechanism) {
        return new ZAuth.Auth() {
            @Override
            public boolean configure(ZMsg msg, boolean verbose) {
                return true;
            }

            @Override
            public boolean authorize(ZAuth.ZapRequest request, boolean verbose) {
                Consumer<String> server = servers.get(request.domain);
                if (server != null) {
                    server.accept("refused a client at " + request.address + ": it uses " + mechanism
                            + " security, not CURVE");
                }
                return false;
            }
        };
    }

    /** Public key files (NAME.key) in dir that parse. */
    private static int countKeys(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("CURVE clients directory " + dir + " is not a directory");
        }
        try (Stream<Path> files = Files.list(dir)) {
            int n = 0;
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(CurveKeys.PUBLIC_SUFFIX)).toList()) {
                CurveKeys.readPublic(f); // a malformed file is an error, not silently skipped
                n++;
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list CURVE clients directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Registers a CURVE server socket: returns the ZAP domain to give it, under which refusals of
     * its clients go to {@code onRefusal} (called from ZAP's thread).
     */
    String register(Consumer<String> onRefusal) {
        if (closed) {
            throw new IllegalStateException("the CURVE authenticator for " + clients + " is closed");
        }
        String domain = "modelfree-" + nextDomain.incrementAndGet();
        servers.put(domain, onRefusal);
        return domain;
    }

    /** Forgets a server socket's domain; its clients are refused from now on. */
    void unregister(String domain) {
        servers.remove(domain);
    }

    /** Whether this handler serves {@code c} and is open. */
    boolean serves(ZContext c) {
        return !closed && c == context;
    }

    /** The directory of allowed clients' public keys. */
    public Path clients() {
        return clients;
    }

    /** Stops the handler. Close the context's CURVE server sockets first (see the class comment). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            auth.close();
        }
    }
}
