package org.grmodelfree.block;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.grmodelfree.wire.ControlLink;
import org.grmodelfree.wire.ControlMessage;
import org.grmodelfree.wire.CurveAuth;
import org.grmodelfree.wire.Refusal;
import org.grmodelfree.wire.InputPoller;
import org.grmodelfree.wire.PeerTimeoutException;
import org.grmodelfree.wire.StreamIn;
import org.grmodelfree.wire.StreamOut;
import org.grmodelfree.wire.WireFormatException;
import org.zeromq.ZContext;

/**
 * Runs one block as its own process over ZeroMQ: owns the JeroMQ context, gives every port a socket
 * in GNU Radio 3.10's roles (outputs bind, as push_sink does; inputs connect, as pull_source does;
 * a port's address is the option named like the port, an output without one binds loopback on a
 * free port), and calls the block's work whenever input arrives or its wake-up time comes. Bad
 * input is logged and skipped; a peer that sends nothing for peer_timeout while the block waits,
 * or stops taking output for as long, ends the run with a {@link PeerTimeoutException} naming the
 * port and what the block was waiting for.
 *
 * <p>With {@link BlockParams#CURVE_SECRET} set, the msgpack message ports use CURVE
 * ({@link CurveSettings}, docs/security.md): every peer a bound message output refuses is
 * logged (the first ten, then sparsely), and a message input whose handshake with its server
 * failed ends the run with an error naming the server and its key file.
 */
public final class BlockRunner {
    /** The longest single wait, so a stop request is seen promptly. */
    private static final long MAX_WAIT_MILLIS = 100;
    /** The kinds of refused clients, each logged on its own (values() copies the array each call). */
    private static final Refusal[] REFUSALS = Refusal.values();
    /** How long a block still looks at its inputs once the peer deadline has passed (at most the timeout). */
    private static final long GRACE_NANOS = 1_000_000_000L;
    /** When the grace after a passed peer deadline ends; Long.MIN_VALUE while the deadline has not passed. */
    private long graceUntil = Long.MIN_VALUE;
    /**
     * Nanoseconds between stats lines: 10 s, or the system property modelfree.stats.millis (the
     * GNU Radio bridge asks the receiver for one a second, to show its error rate live).
     */
    private static final long STATS_EVERY_NANOS = Long.getLong("modelfree.stats.millis", 10_000L) * 1_000_000L;
    /**
     * Largest message a stream output sends, in items. Above GNU Radio's default of 8191 so that a
     * block's write of an iteration's frames (9024 samples at M = 256, N = 4, B = 1000) goes out as
     * one message: every message costs each hop several thread wake-ups. gr-zeromq's pull_source
     * takes messages of any size; {@link StreamIn}'s default limit is 131072 items.
     */
    private static final int MAX_ITEMS_PER_MESSAGE = 1 << 15;

    private final Block block;
    private final Params params;
    private final Consumer<String> log;
    private final long peerTimeoutNanos;
    private volatile boolean stopRequested;
    /** Whether run() waits, once the ports are set up, for {@link #release()}. */
    private volatile boolean held;
    private final CountDownLatch released = new CountDownLatch(1);
    /** Run-time parameter changes (id, parsed value) waiting for the block's thread. */
    private final ConcurrentLinkedQueue<Map.Entry<ParamSpec, Object>> settings = new ConcurrentLinkedQueue<>();
    private final Map<String, String> endpoints = new java.util.LinkedHashMap<>();

    public BlockRunner(Block block, Params params, Consumer<String> log) {
        this.block = block;
        this.params = params;
        this.log = log;
        this.peerTimeoutNanos = (long) (params.real(BlockParams.PEER_TIMEOUT) * 1e9);
    }

    /** Asks the run to end after the current work call (thread-safe). */
    public void requestStop() {
        stopRequested = true;
        released.countDown();
    }

    /**
     * Makes {@link #run()} set up the ports (so peers can connect and the endpoints are known) and
     * then wait for {@link #release()} before the block's first work call: a launcher that builds a
     * GNU Radio flowgraph around the ports releases the block when the flowgraph starts, so no
     * timeout of the block runs while the flowgraph is still being built. Call before run().
     */
    public void hold() {
        held = true;
    }

    /** Lets a held run start its work (thread-safe; see {@link #hold()}). */
    public void release() {
        released.countDown();
    }

    /**
     * Asks for a run-time parameter change (thread-safe): the value is parsed and checked against
     * the block's declaration now, and handed to {@link Block#set} before the next work call.
     * Throws IllegalArgumentException for an unknown parameter, one that cannot change at run
     * time, or a bad value.
     */
    public void set(String id, String raw) {
        ParamSpec p = block.spec().param(id);
        if (!p.runtime()) {
            throw new IllegalArgumentException(block.spec().name() + ": parameter '" + id
                    + "' cannot change while the block runs");
        }
        settings.add(Map.entry(p, p.parse(raw)));
    }

    private void applySettings() {
        Map.Entry<ParamSpec, Object> s;
        while ((s = settings.poll()) != null) {
            block.set(s.getKey(), s.getValue());
            log.accept("set " + s.getKey().id() + " = " + s.getValue());
        }
    }

    /** Port id to the endpoint bound or connected, once {@link #run} has set the ports up. */
    public Map<String, String> endpoints() {
        return endpoints;
    }

    private final class SocketIo implements BlockIo {
        final Map<String, StreamIn> streamIn = new HashMap<>();
        final Map<String, StreamOut> streamOut = new HashMap<>();
        final Map<String, StreamIn> byteIn = new HashMap<>();
        final Map<String, StreamOut> byteOut = new HashMap<>();
        final Map<String, ControlLink> messageIn = new HashMap<>();
        final Map<String, ControlLink> messageOut = new HashMap<>();
        final Map<String, Long> rejected = new HashMap<>();
        /** The message ports as arrays, for the per-iteration checks (no iterator per loop). */
        ControlLink[] inLinks = new ControlLink[0];
        ControlLink[] outLinks = new ControlLink[0];
        String[] outIds = new String[0];
        long[] refusedLogged = new long[0];
        /** The ZAP handler of the CURVE outputs, or null. */
        CurveAuth auth;

        /** Called once the ports are set up. */
        void freezeLinks() {
            inLinks = messageIn.values().toArray(new ControlLink[0]);
            outIds = messageOut.keySet().toArray(new String[0]);
            outLinks = new ControlLink[outIds.length];
            for (int i = 0; i < outIds.length; i++) {
                outLinks[i] = messageOut.get(outIds[i]);
            }
            refusedLogged = new long[outIds.length * REFUSALS.length];
        }

        /**
         * Logs the peers the message outputs refused since the last call (sparsely, as rejected
         * messages), and throws if a message input lost its connection for good (a failed CURVE
         * handshake, an oversize message).
         */
        void watchLinks() {
            for (int i = 0; i < outLinks.length; i++) {
                for (Refusal kind : REFUSALS) { // each kind sparsely on its own: garbage never hides a refused key
                    int j = i * REFUSALS.length + kind.ordinal();
                    long r = outLinks[i].refusedCount(kind);
                    if (r != refusedLogged[j]) {
                        if (BlockIo.worthLogging(refusedLogged[j], r)) {
                            log.accept("refused on '" + outIds[i] + "': " + outLinks[i].lastRefusal(kind) + " [" + r
                                    + " so far]");
                        }
                        refusedLogged[j] = r;
                    }
                }
            }
            for (ControlLink l : inLinks) {
                l.checkConnection();
            }
        }

        /**
         * Closes the CURVE outputs, then their ZAP handler: JeroMQ lets every CURVE client in once a
         * context has none. Runs before the context closes (the other sockets).
         */
        void closeCurve() {
            if (auth != null) {
                messageOut.values().forEach(ControlLink::close);
                auth.close();
            }
        }

        /** The port's id if the block declares it; otherwise an IllegalArgumentException naming both. */
        private String id(PortSpec port) {
            return block.spec().declared(port).id();
        }

        @Override
        public int read(PortSpec port, float[] dst, int off, int maxItems) {
            String id = id(port);
            port.requireStream(block.spec().name(), PortSpec.Direction.IN, PortSpec.Item.COMPLEX);
            StreamIn in = streamIn.get(id);
            if (in == null) {
                return 0;
            }
            try {
                return in.poll(dst, 2 * off, maxItems);
            } catch (WireFormatException e) {
                rejected(id, e.getMessage(), in.rejectedCount());
                return 0;
            }
        }

        @Override
        public void write(PortSpec port, float[] src, int off, int items) {
            String id = id(port);
            port.requireStream(block.spec().name(), PortSpec.Direction.OUT, PortSpec.Item.COMPLEX);
            StreamOut out = streamOut.get(id);
            if (out != null) {
                out.send(src, 2 * off, items);
            }
        }

        @Override
        public int readBytes(PortSpec port, byte[] dst, int off, int max) {
            String id = id(port);
            port.requireStream(block.spec().name(), PortSpec.Direction.IN, PortSpec.Item.BYTE);
            StreamIn in = byteIn.get(id);
            if (in == null) {
                return 0;
            }
            try {
                return in.poll(dst, off, max);
            } catch (WireFormatException e) {
                rejected(id, e.getMessage(), in.rejectedCount());
                return 0;
            }
        }

        @Override
        public void writeBytes(PortSpec port, byte[] src, int off, int n) {
            String id = id(port);
            port.requireStream(block.spec().name(), PortSpec.Direction.OUT, PortSpec.Item.BYTE);
            StreamOut out = byteOut.get(id);
            if (out != null) {
                out.send(src, off, n);
            }
        }

        @Override
        public ControlMessage receive(PortSpec port) {
            String id = id(port);
            port.requireMessage(block.spec().name(), PortSpec.Direction.IN);
            ControlLink in = messageIn.get(id);
            if (in == null) {
                return null;
            }
            ControlMessage m = in.poll();
            long r = in.rejectedCount();
            if (r != rejected.getOrDefault(id, 0L)) {
                rejected(id, in.lastRejection(), r);
            }
            return m;
        }

        /**
         * Logs that a port's input rejected bad input, count times so far: the first ten, then only
         * when the count passes a power of two (20,000 bad messages give about 25 lines, not 20,000).
         */
        private void rejected(String id, String why, long count) {
            long before = rejected.getOrDefault(id, 0L);
            rejected.put(id, count);
            if (BlockIo.worthLogging(before, count)) {
                log.accept("rejected on '" + id + "': " + why + " [" + count + " so far]");
            }
        }

        @Override
        public void send(PortSpec port, ControlMessage message) {
            String id = id(port);
            port.requireMessage(block.spec().name(), PortSpec.Direction.OUT);
            ControlLink out = messageOut.get(id);
            if (out != null) {
                out.send(message);
            }
        }

        @Override
        public boolean connected(PortSpec port) {
            String id = id(port);
            return streamIn.containsKey(id) || streamOut.containsKey(id) || byteIn.containsKey(id)
                    || byteOut.containsKey(id) || messageIn.containsKey(id) || messageOut.containsKey(id);
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void log(String line) {
            log.accept(line);
        }
    }

    /**
     * Sets up the ports and runs the block until it is done or a stop is requested; returns the
     * block's final status. Failures propagate after the block's stop() has run.
     */
    public Block.Status run() {
        boolean passTags = params.bool(BlockParams.PASS_TAGS);
        boolean pdu = params.declares(BlockParams.MSG_FORMAT)
                && params.choice(BlockParams.MSG_FORMAT, BlockParams.MsgFormat.class) == BlockParams.MsgFormat.PDU;
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, peerTimeoutNanos / 1_000_000);
        CurveSettings curve = CurveSettings.of(block.spec(), params, pdu);
        SocketIo io = new SocketIo();
        try (ZContext context = new ZContext(); InputPoller poller = new InputPoller(context);
                Closer curveFirst = io::closeCurve) {
            io.auth = curve == null ? null : curve.startAuth(context);
            List<String> inputs = new ArrayList<>();
            for (PortSpec p : block.spec().ports()) {
                String address = params.address(p.id());
                boolean in = p.direction() == PortSpec.Direction.IN;
                if (!p.enabled(params)) {
                    if (address != null) {
                        throw new IllegalArgumentException(block.spec().name() + ": --" + p.id() + " is given, but '"
                                + p.id() + "' exists only with --" + p.enable().param() + " " + p.enable().value());
                    }
                    continue; // no socket for a port the parameters leave out
                }
                if (in && address == null) {
                    if (!p.optional()) {
                        throw new IllegalArgumentException(block.spec().name() + ": input '" + p.id()
                                + "' needs --" + p.id() + " tcp://host:port, the address of the output it reads");
                    }
                    continue;
                }
                String endpoint;
                if (p.domain() == PortSpec.Domain.STREAM && p.item() == PortSpec.Item.BYTE) {
                    if (in) {
                        StreamIn s = new StreamIn(context, address, false, passTags, StreamIn.BYTE,
                                StreamIn.DEFAULT_MAX_MESSAGE_BYTES);
                        io.byteIn.put(p.id(), s);
                        poller.add(s);
                        endpoint = s.endpoint();
                    } else {
                        StreamOut s = new StreamOut(context, address, true, passTags, StreamIn.BYTE,
                                MAX_ITEMS_PER_MESSAGE, timeoutMillis);
                        io.byteOut.put(p.id(), s);
                        endpoint = s.endpoint();
                    }
                } else if (p.domain() == PortSpec.Domain.STREAM) {
                    if (p.item() != PortSpec.Item.COMPLEX) {
                        throw new IllegalStateException(block.spec().name() + ": port '" + p.id() + "' carries "
                                + p.item().grc() + " items; the runner carries complex and byte streams only");
                    }
                    if (in) {
                        StreamIn s = new StreamIn(context, address, false, passTags, StreamIn.COMPLEX64,
                                StreamIn.DEFAULT_MAX_MESSAGE_BYTES);
                        io.streamIn.put(p.id(), s);
                        poller.add(s);
                        endpoint = s.endpoint();
                    } else {
                        StreamOut s = new StreamOut(context, address, true, passTags, StreamIn.COMPLEX64,
                                MAX_ITEMS_PER_MESSAGE, timeoutMillis);
                        io.streamOut.put(p.id(), s);
                        endpoint = s.endpoint();
                    }
                } else {
                    ControlLink l = pdu
                            ? ControlLink.pdu(context, address, !in, !in, timeoutMillis,
                                    ControlLink.DEFAULT_MAX_MESSAGE_BYTES)
                            : new ControlLink(context, address, !in, timeoutMillis,
                                    ControlLink.DEFAULT_MAX_MESSAGE_BYTES,
                                    curve == null ? null : curve.forPort(p, io.auth));
                    (in ? io.messageIn : io.messageOut).put(p.id(), l);
                    if (in) {
                        poller.add(l);
                    }
                    endpoint = l.endpoint();
                }
                endpoints.put(p.id(), endpoint);
                if (in) {
                    inputs.add(p.id() + " <- " + endpoint);
                }
                log.accept((in ? "input '" : "output '") + p.id() + "' " + (in ? "connects to " : "binds ") + endpoint
                        + (curve != null && p.domain() == PortSpec.Domain.MESSAGE ? curve.describe(p) : ""));
            }
            io.freezeLinks();
            if (held) {
                log.accept("ports set up; waiting for the start");
                awaitRelease();
            }
            Block.Status s = loop(io, poller, inputs);
            if (s == Block.Status.DONE) {
                // A finished block's last frames may still be queued for a slow reader; closing the
                // context would drop them (linger 0), so deliver them first, within the peer timeout.
                io.streamOut.values().forEach(o -> o.closeDelivering(timeoutMillis));
                io.byteOut.values().forEach(o -> o.closeDelivering(timeoutMillis));
                io.messageOut.values().forEach(o -> o.closeDelivering(timeoutMillis));
            }
            return s;
        } finally {
            block.stop(io);
        }
    }

    /** Waits for {@link #release()}, applying run-time parameter changes meanwhile (they hold from the start). */
    private void awaitRelease() {
        try {
            while (!released.await(50, TimeUnit.MILLISECONDS)) {
                applySettings();
            }
            applySettings();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested = true;
        }
    }

    /** A resource closed by try-with-resources that throws nothing checked. */
    private interface Closer extends AutoCloseable {
        @Override
        void close();
    }

    private Block.Status loop(SocketIo io, InputPoller poller, List<String> inputs) {
        long lastProgress = System.nanoTime();
        graceUntil = Long.MIN_VALUE;
        long lastStats = lastProgress;
        while (!stopRequested) {
            applySettings();
            io.watchLinks();
            Block.Status s = block.work(io);
            long now = System.nanoTime();
            if (now - lastStats > STATS_EVERY_NANOS) {
                log.accept("stats " + block.stats());
                lastStats = now;
            }
            if (s == Block.Status.DONE) {
                return s;
            }
            if (s == Block.Status.WORKED) {
                lastProgress = now;
                graceUntil = Long.MIN_VALUE;
                continue;
            }
            long wake = block.wakeAt();
            // the peer deadline bounds the wait only where it can end the run; a block that may idle
            // (a relay) would otherwise poll without waiting once the deadline has passed. Once it has
            // passed, the block looks at its inputs once more for a grace period from then: a
            // process that was suspended (SIGSTOP) finds the deadline passed on waking, before its
            // sockets have handed over what arrived meanwhile.
            long deadline = lastProgress + peerTimeoutNanos;
            if (now >= deadline && graceUntil == Long.MIN_VALUE) {
                graceUntil = now + Math.min(peerTimeoutNanos, GRACE_NANOS);
            }
            long until = block.idleMeansPeerLost() ? Math.min(wake, Math.max(deadline, graceUntil)) : wake;
            long waitMillis = until == Long.MAX_VALUE ? MAX_WAIT_MILLIS
                    : Math.max(0, Math.min(MAX_WAIT_MILLIS, (until - now + 999_999) / 1_000_000));
            if (poller.await(waitMillis)) {
                continue;
            }
            now = System.nanoTime();
            if (wake == Long.MAX_VALUE && block.idleMeansPeerLost() && now - lastProgress >= peerTimeoutNanos
                    && graceUntil != Long.MIN_VALUE && now >= graceUntil) {
                throw new PeerTimeoutException(String.join(", ", inputs), peerTimeoutNanos / 1_000_000,
                        String.format(Locale.ROOT, "%s: nothing arrived for %.1f s while waiting for %s (inputs: %s);"
                                        + " has a peer stopped?", block.spec().name(), peerTimeoutNanos / 1e9,
                                block.waitingFor(), inputs.isEmpty() ? "none" : String.join(", ", inputs)));
            }
        }
        return Block.Status.IDLE;
    }
}
