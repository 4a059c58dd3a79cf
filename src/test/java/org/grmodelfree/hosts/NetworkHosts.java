package org.grmodelfree.hosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Hosts for a test: Linux network namespaces, each with its loopback up, joined pairwise by veth
 * pairs with an address at each end (10.P.L.H/24: P this set of hosts, L the link, H the host), made
 * by {@code ip} from iproute2 and removed again by {@link #close}. Traffic stays inside them: a
 * namespace reaches only its own addresses and its peers' on its links. Needs root; where namespaces
 * cannot be made, {@link #create} skips the test with the reason.
 */
public final class NetworkHosts implements AutoCloseable {
    /** One namespace of this set. */
    public record Host(String name, String namespace, int index) {
        /** The command prefix that runs a program on this host (it execs, so signals reach the program). */
        public List<String> launcher() {
            return List.of("ip", "netns", "exec", namespace);
        }
    }

    /** A veth pair between two hosts. */
    public record Link(Host a, Host b, String aDevice, String bDevice, String aAddress, String bAddress) {
    }

    private static final java.util.concurrent.atomic.AtomicInteger SETS = new java.util.concurrent.atomic.AtomicInteger();
    private final String prefix;
    private final int set;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<Link> links = new ArrayList<>();

    private NetworkHosts(String prefix, int set) {
        this.prefix = prefix;
        this.set = set;
    }

    /** Makes a host (namespace) per name; skips the test if namespaces cannot be made here. */
    public static NetworkHosts create(String... names) throws IOException, InterruptedException {
        int number = SETS.incrementAndGet();
        int set = (int) (ProcessHandle.current().pid() % 200) + number;
        // names unique to this JVM and set (two test runs at once never share a namespace);
        // addresses need not be, as each set's links live in its own namespaces
        NetworkHosts h = new NetworkHosts("mf" + ProcessHandle.current().pid() + "-" + number + "-",
                20 + set % 230);
        try {
            for (String n : names) {
                String ns = h.prefix + n;
                run("ip", "netns", "del", ns); // a namespace left by an earlier, killed run of the same name
                Result r = tryRun("ip", "netns", "add", ns);
                Assumptions.assumeTrue(r.status == 0, "cannot create network namespaces here (needs root and"
                        + " iproute2): ip netns add " + ns + ": " + r.output.strip());
                Host host = new Host(n, ns, h.hosts.size() + 1);
                h.hosts.put(n, host);
                run("ip", "-n", ns, "link", "set", "lo", "up");
            }
        } catch (RuntimeException | Error e) {
            h.close();
            throw e;
        }
        return h;
    }

    public Host host(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host " + name + " among " + hosts.keySet());
        }
        return h;
    }

    /** Joins two hosts by a veth pair with addresses 10.P.L.(index) on each end; returns the link. */
    public Link link(String a, String b) throws IOException, InterruptedException {
        Host ha = host(a);
        Host hb = host(b);
        int l = links.size() + 1;
        String da = "v" + set + "l" + l + "a";
        String db = "v" + set + "l" + l + "b";
        String aa = "10." + set + "." + l + "." + ha.index();
        String ab = "10." + set + "." + l + "." + hb.index();
        run("ip", "link", "add", da, "netns", ha.namespace(), "type", "veth", "peer", "name", db, "netns",
                hb.namespace());
        run("ip", "-n", ha.namespace(), "addr", "add", aa + "/24", "dev", da);
        run("ip", "-n", hb.namespace(), "addr", "add", ab + "/24", "dev", db);
        run("ip", "-n", ha.namespace(), "link", "set", da, "up");
        run("ip", "-n", hb.namespace(), "link", "set", db, "up");
        Link link = new Link(ha, hb, da, db, aa, ab);
        links.add(link);
        return link;
    }

    /** Adds a route on host from to the address of another host (reached through via on their link). */
    public void route(String from, String address, String via) throws IOException, InterruptedException {
        run("ip", "-n", host(from).namespace(), "route", "add", address + "/32", "via", via);
    }

    /** Takes a link down (both ends) or up again, as a pulled cable and its return. */
    public void setUp(Link link, boolean up) throws IOException, InterruptedException {
        String state = up ? "up" : "down";
        run("ip", "-n", link.a().namespace(), "link", "set", link.aDevice(), state);
        run("ip", "-n", link.b().namespace(), "link", "set", link.bDevice(), state);
    }

    /** Sends a signal (STOP, CONT, KILL ...) to every process running on a host. */
    public void signal(String host, String signal) throws IOException, InterruptedException {
        Result pids = tryRun("ip", "netns", "pids", host(host).namespace());
        for (String pid : pids.output.strip().split("\\s+")) {
            if (pid.matches("[0-9]+")) {
                tryRun("kill", "-" + signal, pid);
            }
        }
    }

    /** Removes every namespace of this set (their veth pairs go with them). Idempotent. */
    @Override
    public void close() {
        for (Host h : hosts.values()) {
            try {
                // processes still in it keep it alive: kill them first
                Result pids = tryRun("ip", "netns", "pids", h.namespace());
                for (String pid : pids.output.strip().split("\\s+")) {
                    if (pid.matches("[0-9]+")) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                tryRun("ip", "netns", "del", h.namespace());
            } catch (IOException | InterruptedException e) {
                // best effort: the next run of the same name removes it first
            }
        }
        hosts.clear();
    }

    private record Result(int status, String output) {
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Result r = tryRun(command);
        if (r.status != 0 && !(command.length > 2 && command[2].equals("del"))) {
            throw new IOException(String.join(" ", command) + " failed (" + r.status + "): " + r.output.strip());
        }
    }

    private static Result tryRun(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(124, command[0] + " did not finish in 30 s");
        }
        return new Result(p.exitValue(), out);
    }
}
