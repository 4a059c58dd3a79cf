package org.grmodelfree.block;

import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.grmodelfree.wire.ControlMessage;

/**
 * Runs blocks in one thread with in-memory connections instead of sockets: the harness of the
 * block tests, and the way to run a flowgraph of blocks without any transport. Blocks are called in
 * turn; when none can do anything, the graph's clock jumps to the earliest {@link Block#wakeAt()},
 * so timeouts and delays cost no real time and a run is deterministic. If no block can proceed and
 * none waits for time, the graph has stalled and {@link #run} says what each block waits for.
 * Outputs left unconnected are collected and can be inspected.
 */
public final class LocalGraph {
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private long clock;
    private Consumer<String> log = line -> { };

    /**
     * A growing FIFO of one stream port's items, in a float[] (complex: 2 floats an item, float: 1)
     * or a byte[] (byte: 1 byte an item); head and tail count array elements.
     */
    private static final class StreamQueue {
        final int width;
        Object data;
        int head;
        int tail;

        StreamQueue(PortSpec.Item item) {
            this.width = item == PortSpec.Item.COMPLEX ? 2 : 1;
            this.data = item == PortSpec.Item.BYTE ? new byte[1 << 12] : new float[1 << 14];
        }

        /** Appends items items of src (an array of the queue's type) from item off. */
        void put(Object src, int off, int items) {
            int n = width * items;
            int capacity = Array.getLength(data);
            if (tail + n > capacity) {
                System.arraycopy(data, head, data, 0, tail - head);
                tail -= head;
                head = 0;
                if (tail + n > capacity) {
                    Object bigger = Array.newInstance(data.getClass().getComponentType(),
                            Math.max(2 * capacity, tail + n));
                    System.arraycopy(data, 0, bigger, 0, tail);
                    data = bigger;
                }
            }
            System.arraycopy(src, width * off, data, tail, n);
            tail += n;
        }

        /** Moves up to max items into dst (an array of the queue's type) from item off; returns how many. */
        int take(Object dst, int off, int max) {
            int items = Math.min(max, (tail - head) / width);
            System.arraycopy(data, head, dst, width * off, width * items);
            head += width * items;
            if (head == tail) {
                head = tail = 0;
            }
            return items;
        }

        boolean isEmpty() {
            return tail == head;
        }

        /** A copy of the items queued, as an array of the queue's type. */
        Object contents() {
            Object copy = Array.newInstance(data.getClass().getComponentType(), tail - head);
            System.arraycopy(data, head, copy, 0, tail - head);
            return copy;
        }
    }

    private final class Node implements BlockIo {
        final String name;
        final Block block;
        final Map<String, StreamQueue> streamIn = new HashMap<>();
        final Map<String, ArrayDeque<ControlMessage>> messageIn = new HashMap<>();
        final Map<String, List<Object>> outEdges = new HashMap<>();
        final Map<String, StreamQueue> unconnectedStreams = new HashMap<>();
        final Map<String, List<ControlMessage>> unconnectedMessages = new HashMap<>();
        Block.Status status = Block.Status.WORKED;

        Node(String name, Block block) {
            this.name = name;
            this.block = block;
        }

        /** The port's id if the block declares it; otherwise an IllegalArgumentException naming both. */
        private String id(PortSpec port) {
            return block.spec().declared(port).id();
        }

        @Override
        public int read(PortSpec port, float[] dst, int off, int maxItems) {
            return take(port, PortSpec.Item.COMPLEX, dst, off, maxItems);
        }

        @Override
        public void write(PortSpec port, float[] src, int off, int items) {
            put(port, PortSpec.Item.COMPLEX, src, off, items);
        }

        @Override
        public int readBytes(PortSpec port, byte[] dst, int off, int max) {
            return take(port, PortSpec.Item.BYTE, dst, off, max);
        }

        @Override
        public void writeBytes(PortSpec port, byte[] src, int off, int n) {
            put(port, PortSpec.Item.BYTE, src, off, n);
        }

        private int take(PortSpec port, PortSpec.Item item, Object dst, int off, int max) {
            String id = id(port);
            port.requireStream(name, PortSpec.Direction.IN, item);
            StreamQueue q = streamIn.get(id);
            return q == null ? 0 : q.take(dst, off, max);
        }

        private void put(PortSpec port, PortSpec.Item item, Object src, int off, int items) {
            String id = id(port);
            port.requireStream(name, PortSpec.Direction.OUT, item);
            List<Object> to = outEdges.get(id);
            if (to == null) {
                unconnectedStreams.computeIfAbsent(id, k -> new StreamQueue(item)).put(src, off, items);
                return;
            }
            for (Object q : to) {
                ((StreamQueue) q).put(src, off, items);
            }
        }

        @Override
        public ControlMessage receive(PortSpec port) {
            String id = id(port);
            port.requireMessage(name, PortSpec.Direction.IN);
            ArrayDeque<ControlMessage> q = messageIn.get(id);
            return q == null ? null : q.poll();
        }

        @Override
        @SuppressWarnings("unchecked")
        public void send(PortSpec port, ControlMessage message) {
            String id = id(port);
            port.requireMessage(name, PortSpec.Direction.OUT);
            List<Object> to = outEdges.get(id);
            if (to == null) {
                unconnectedMessages.computeIfAbsent(id, k -> new ArrayList<>()).add(message);
                return;
            }
            for (Object q : to) {
                ((ArrayDeque<ControlMessage>) q).add(message);
            }
        }

        /** Inputs count as connected when something feeds them; outputs always (unconnected ones are collected). */
        @Override
        public boolean connected(PortSpec port) {
            String id = id(port);
            return streamIn.containsKey(id) || messageIn.containsKey(id) || port.direction() == PortSpec.Direction.OUT;
        }

        @Override
        public long nanoTime() {
            return clock;
        }

        @Override
        public void log(String line) {
            log.accept(name + ": " + line);
        }

        boolean inputsEmpty() {
            for (StreamQueue q : streamIn.values()) {
                if (!q.isEmpty()) {
                    return false;
                }
            }
            for (ArrayDeque<ControlMessage> q : messageIn.values()) {
                if (!q.isEmpty()) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Adds a block under a name unique in the graph. */
    public LocalGraph add(String name, Block block) {
        if (nodes.putIfAbsent(name, new Node(name, block)) != null) {
            throw new IllegalArgumentException("graph: a block named '" + name + "' is already in it");
        }
        return this;
    }

    /** Where log lines go (prefixed by the block's name); by default nowhere. */
    public LocalGraph log(Consumer<String> sink) {
        this.log = sink;
        return this;
    }

    /** Connects an output port to an input port of the same domain and item type. */
    public LocalGraph connect(String from, String fromPort, String to, String toPort) {
        Node a = node(from);
        Node b = node(to);
        PortSpec out = a.block.spec().port(fromPort);
        PortSpec in = b.block.spec().port(toPort);
        if (out.direction() != PortSpec.Direction.OUT || in.direction() != PortSpec.Direction.IN) {
            throw new IllegalArgumentException("graph: connect an output to an input, not " + from + "." + fromPort
                    + " (" + out.direction() + ") to " + to + "." + toPort + " (" + in.direction() + ")");
        }
        if (out.domain() != in.domain() || out.item() != in.item()) {
            throw new IllegalArgumentException("graph: " + from + "." + fromPort + " carries " + describe(out)
                    + " but " + to + "." + toPort + " takes " + describe(in));
        }
        Object q;
        if (in.domain() == PortSpec.Domain.STREAM) {
            if (b.streamIn.containsKey(toPort)) {
                throw new IllegalArgumentException("graph: " + to + "." + toPort + " is already connected");
            }
            q = new StreamQueue(in.item());
            b.streamIn.put(toPort, (StreamQueue) q);
        } else {
            q = b.messageIn.computeIfAbsent(toPort, k -> new ArrayDeque<>());
        }
        a.outEdges.computeIfAbsent(fromPort, k -> new ArrayList<>()).add(q);
        return this;
    }

    /**
     * Connects an output port to an input port, named by the blocks' declarations; a port the block
     * does not declare is refused, naming both.
     */
    public LocalGraph connect(String from, PortSpec fromPort, String to, PortSpec toPort) {
        return connect(from, declared(from, fromPort), to, declared(to, toPort));
    }

    /** The port's id if the named block declares it; otherwise an IllegalArgumentException naming both. */
    private String declared(String block, PortSpec port) {
        return node(block).block.spec().declared(port).id();
    }

    private static String describe(PortSpec p) {
        return p.domain() == PortSpec.Domain.STREAM ? p.item().grc() + " samples" : "messages";
    }

    private Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("graph: no block named '" + name + "' (it has: "
                    + String.join(", ", nodes.keySet()) + ")");
        }
        return n;
    }

    /**
     * Runs until every block named in until has finished. Throws IllegalStateException naming what
     * each block waits for if the graph stalls first; a block's failure propagates with its name.
     */
    public void run(String... until) {
        for (String u : until) {
            node(u);
        }
        try {
            while (true) {
                boolean worked = false;
                for (Node n : nodes.values()) {
                    if (n.status == Block.Status.DONE) {
                        continue;
                    }
                    try {
                        n.status = n.block.work(n);
                    } catch (RuntimeException e) {
                        throw new IllegalStateException(n.name + ": " + e.getMessage(), e);
                    }
                    worked |= n.status != Block.Status.IDLE;
                }
                if (Arrays.stream(until).allMatch(u -> nodes.get(u).status == Block.Status.DONE)) {
                    return;
                }
                if (worked) {
                    continue;
                }
                // nobody worked: the blocks wait for time (a block may leave input unread while it
                // waits, as a paced sender with a full queue does), or the graph has stalled
                long wake = Long.MAX_VALUE;
                for (Node n : nodes.values()) {
                    if (n.status != Block.Status.DONE) {
                        wake = Math.min(wake, n.block.wakeAt());
                    }
                }
                if (wake == Long.MAX_VALUE) {
                    StringBuilder sb = new StringBuilder("graph stalled:");
                    for (Node n : nodes.values()) {
                        if (n.status != Block.Status.DONE) {
                            sb.append(' ').append(n.name).append(" waits for ").append(n.block.waitingFor()).append(';');
                        }
                    }
                    throw new IllegalStateException(sb.substring(0, sb.length() - 1));
                }
                clock = Math.max(clock, wake);
            }
        } finally {
            for (Node n : nodes.values()) {
                n.block.stop(n);
            }
        }
    }

    /** The graph's clock (ns): advances only by jumps to wake-up times. */
    public long clock() {
        return clock;
    }

    /** Messages a block sent on an unconnected output port. */
    public List<ControlMessage> messages(String block, String port) {
        return List.copyOf(node(block).unconnectedMessages.getOrDefault(port, List.of()));
    }

    /** Samples a block wrote to an unconnected stream output, interleaved. */
    public float[] samples(String block, String port) {
        node(block).block.spec().port(port).requireStream(block, PortSpec.Direction.OUT, PortSpec.Item.COMPLEX);
        StreamQueue q = node(block).unconnectedStreams.get(port);
        return q == null ? new float[0] : (float[]) q.contents();
    }

    /** Bytes a block wrote to an unconnected byte stream output. */
    public byte[] bytes(String block, String port) {
        node(block).block.spec().port(port).requireStream(block, PortSpec.Direction.OUT, PortSpec.Item.BYTE);
        StreamQueue q = node(block).unconnectedStreams.get(port);
        return q == null ? new byte[0] : (byte[]) q.contents();
    }

    /** Messages a block sent on an unconnected output port, named by its declaration. */
    public List<ControlMessage> messages(String block, PortSpec port) {
        return messages(block, declared(block, port));
    }

    /** Samples a block wrote to an unconnected stream output, named by its declaration. */
    public float[] samples(String block, PortSpec port) {
        return samples(block, declared(block, port));
    }

    /** Bytes a block wrote to an unconnected byte stream output, named by its declaration. */
    public byte[] bytes(String block, PortSpec port) {
        return bytes(block, declared(block, port));
    }

    /** The status of a block after its last call. */
    public Block.Status status(String block) {
        return node(block).status;
    }

    /** Feeds samples into a block's stream input from outside the graph. */
    public LocalGraph inject(String block, String port, float[] interleaved) {
        Node n = node(block);
        PortSpec p = n.block.spec().port(port);
        if (p.domain() != PortSpec.Domain.STREAM || p.direction() != PortSpec.Direction.IN) {
            throw new IllegalArgumentException("graph: " + block + "." + port + " is not a stream input");
        }
        p.requireStream(block, PortSpec.Direction.IN, PortSpec.Item.COMPLEX);
        n.streamIn.computeIfAbsent(port, k -> new StreamQueue(PortSpec.Item.COMPLEX)).put(interleaved, 0,
                interleaved.length / 2);
        return this;
    }

    /** Feeds bytes into a block's byte stream input from outside the graph (the input counts as connected). */
    public LocalGraph inject(String block, String port, byte[] bytes) {
        Node n = node(block);
        n.block.spec().port(port).requireStream(block, PortSpec.Direction.IN, PortSpec.Item.BYTE);
        n.streamIn.computeIfAbsent(port, k -> new StreamQueue(PortSpec.Item.BYTE)).put(bytes, 0, bytes.length);
        return this;
    }

    /** Feeds a message into a block's message input from outside the graph. */
    public LocalGraph inject(String block, String port, ControlMessage m) {
        Node n = node(block);
        PortSpec p = n.block.spec().port(port);
        if (p.domain() != PortSpec.Domain.MESSAGE || p.direction() != PortSpec.Direction.IN) {
            throw new IllegalArgumentException("graph: " + block + "." + port + " is not a message input");
        }
        n.messageIn.computeIfAbsent(port, k -> new ArrayDeque<>()).add(m);
        return this;
    }

    /** Feeds samples into a block's stream input, named by its declaration. */
    public LocalGraph inject(String block, PortSpec port, float[] interleaved) {
        return inject(block, declared(block, port), interleaved);
    }

    /** Feeds bytes into a block's byte stream input, named by its declaration. */
    public LocalGraph inject(String block, PortSpec port, byte[] bytes) {
        return inject(block, declared(block, port), bytes);
    }

    /** Feeds a message into a block's message input, named by its declaration. */
    public LocalGraph inject(String block, PortSpec port, ControlMessage m) {
        return inject(block, declared(block, port), m);
    }
}
