package org.grmodelfree.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Block processes started from this JVM: each is {@code modelfree block NAME ...} in a JVM of its
 * own, with the same class path. Their standard error is forwarded line by line (without the JDK's
 * incubator-module warning) and its tail kept for error reports; the last line of their standard
 * output (the block's final JSON) is kept. Every child ends with its launcher: it watches its
 * standard input, which only this JVM holds open, and {@link #close} destroys what is left.
 */
public final class BlockProcesses implements AutoCloseable {
    private static final int TAIL = 30;
    /** The command line's main class, which runs {@code block NAME} in each child. */
    static final String MAIN = "org.grmodelfree.cli.Main";

    /** One child process. */
    public static final class Child {
        final String name;
        final List<String> command;
        public Process process;
        final Deque<String> tail = new ArrayDeque<>();
        public volatile String result = "";
        private Thread errPump;
        private Thread outPump;

        Child(String name, List<String> command) {
            this.name = name;
            this.command = command;
        }

        public synchronized String tail() {
            return String.join("\n", tail);
        }

        synchronized void keep(String line) {
            tail.addLast(line);
            if (tail.size() > TAIL) {
                tail.removeFirst();
            }
        }
    }

    private final Map<String, Child> children = new LinkedHashMap<>();
    private final PrintWriter err;
    private final List<String> jvm;

    /** @param jvmOptions extra JVM options for every child (e.g. -Dmodelfree.threads=1) */
    public BlockProcesses(PrintWriter err, List<String> jvmOptions) {
        this.err = err;
        List<String> j = new ArrayList<>();
        j.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        j.add("--add-modules");
        j.add("jdk.incubator.vector");
        j.add("-Djava.awt.headless=true");
        for (String key : List.of("modelfree.threads", "modelfree.spins")) {
            String v = System.getProperty(key);
            if (v != null) {
                j.add("-D" + key + "=" + v);
            }
        }
        j.addAll(jvmOptions);
        j.add("-cp");
        j.add(System.getProperty("java.class.path"));
        j.add(MAIN);
        j.add("block");
        this.jvm = List.copyOf(j);
    }

    /** Ports handed out by {@link #freePort} in this JVM, never handed out twice. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.Random PORTS = new java.util.Random();

    /**
     * A TCP port that is free on loopback now, for a block process to bind a moment later. It is
     * taken below the kernel's ephemeral range (ip_local_port_range), where the kernel never puts
     * the local end of an outgoing connection: a port picked from that range (bind to 0, release)
     * can be taken by any process's connect before the block binds it, which made runs fail with
     * "address already in use" when several ran at once. Never the same port twice in one JVM.
     */
    public static int freePort() throws IOException {
        int low = 10_000;
        int high = ephemeralLow();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = low + PORTS.nextInt(high - low);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException inUse) {
                // taken by another process: try another
            }
        }
        throw new IOException("no free loopback TCP port found between " + low + " and " + high);
    }

    /** The lowest port of the kernel's ephemeral range (32768 where it cannot be read). */
    private static int ephemeralLow() {
        try {
            String[] r = java.nio.file.Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim()
                    .split("\\s+");
            int low = Integer.parseInt(r[0]);
            return low > 11_000 ? low : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    public static String loopback(int port) {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts block name with the given arguments, under a unique label. */
    public Child start(String label, String block, List<String> args) throws IOException {
        return start(label, block, args, List.of());
    }

    /** Starts block name with extra JVM options (placed before the common ones, which win). */
    public Child start(String label, String block, List<String> args, List<String> jvmOptions) throws IOException {
        return start(label, block, args, jvmOptions, List.of());
    }

    /**
     * Starts block name with extra JVM options under a launcher: a command that runs the JVM's
     * command line where the block belongs, e.g. {@code ip netns exec HOST} for a block on another
     * (namespaced) host. The launcher must exec the command, so that signals reach the block itself.
     */
    public Child start(String label, String block, List<String> args, List<String> jvmOptions, List<String> launcher)
            throws IOException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(jvm.subList(0, 1));
        cmd.addAll(jvmOptions);
        cmd.addAll(jvm.subList(1, jvm.size()));
        cmd.add(block);
        cmd.addAll(args);
        cmd.add("--exit-with-parent");
        Child c = new Child(label, cmd);
        children.put(label, c);
        launch(c);
        return c;
    }

    /** Starts a child again with its original command (after it was killed). */
    public void restart(String label) throws IOException {
        Child c = child(label);
        if (c.process.isAlive()) {
            throw new IllegalStateException(label + " is still running");
        }
        launch(c);
    }

    private void launch(Child c) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(c.command);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        c.process = pb.start();
        Process p = c.process;
        c.errPump = pump(c, p.getErrorStream(), true);
        c.outPump = pump(c, p.getInputStream(), false);
    }

    private Thread pump(Child c, java.io.InputStream stream, boolean isErr) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("WARNING: Using incubator modules")) {
                        continue;
                    }
                    if (isErr) {
                        c.keep(line);
                        synchronized (err) {
                            err.println(line.startsWith(c.name + ":") ? line : c.name + ": " + line);
                            err.flush();
                        }
                    } else if (!line.isBlank()) {
                        c.result = line;
                    }
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, c.name + (isErr ? "-stderr" : "-stdout"));
        t.setDaemon(true);
        t.start();
        return t;
    }

    public Child child(String label) {
        Child c = children.get(label);
        if (c == null) {
            throw new IllegalArgumentException("no block process '" + label + "'");
        }
        return c;
    }

    /**
     * Waits until every child in labels has exited with status 0; if any child (of all) exits with
     * another status first, throws naming it with the tail of its log.
     */
    public void awaitSuccess(List<String> labels, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            boolean allDone = true;
            for (Child c : children.values()) {
                if (!c.process.isAlive()) {
                    int status = c.process.exitValue();
                    if (status != 0) {
                        drain(c);
                        throw new IllegalStateException("block process '" + c.name + "' exited with status " + status
                                + "; its last lines:\n" + c.tail());
                    }
                } else if (labels.contains(c.name)) {
                    allDone = false;
                }
            }
            if (allDone) {
                for (String l : labels) {
                    drain(child(l));
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("block processes did not finish within " + timeoutSeconds + " s");
            }
            Thread.sleep(20);
        }
    }

    private static void drain(Child c) throws InterruptedException {
        c.errPump.join(2000);
        c.outPump.join(2000);
    }

    /** Kills a child at once (SIGKILL), as a crash would. */
    public void kill(String label) throws InterruptedException {
        Process p = child(label).process;
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** Stops every child still running (SIGTERM, then SIGKILL after 5 s). */
    @Override
    public void close() {
        for (Child c : children.values()) {
            if (c.process != null && c.process.isAlive()) {
                c.process.destroy();
            }
        }
        for (Child c : children.values()) {
            try {
                if (c.process != null && !c.process.waitFor(5, TimeUnit.SECONDS)) {
                    c.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.process.destroyForcibly();
            }
        }
    }
}
