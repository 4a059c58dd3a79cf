package org.grmodelfree.sweep;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on loopback for tests: a master and workers, each its own JVM
 * started from the Spark jars Maven resolved (target/spark.classpath), with a SPARK_HOME of links
 * to those jars from which the workers start their executors. Ports are Spark's choice (0), read
 * back from the logs. {@link #close} stops every process.
 */
final class SparkStandalone implements AutoCloseable {
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
    private final List<Process> processes = new ArrayList<>();
    private final Path dir;
    private String masterUrl;

    private SparkStandalone(Path dir) {
        this.dir = dir;
    }

    /** Spark's jars and the program's dependencies, as Maven listed them for this build (not its classes). */
    static List<String> sparkJars() throws IOException {
        Path cp = Path.of("target", "spark.classpath");
        if (!Files.isRegularFile(cp)) {
            throw new IllegalStateException(cp.toAbsolutePath() + " is missing: Maven's process-resources phase writes"
                    + " it (run the tests through mvn or ./modelfree test)");
        }
        return List.of(Files.readString(cp).strip().split(java.io.File.pathSeparator));
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts a master and {@code workers} workers of one core and 1 GB each, and waits until all registered. */
    static SparkStandalone start(Path dir, int workers) throws Exception {
        SparkStandalone c = new SparkStandalone(dir);
        try {
            c.startAll(workers);
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    private void startAll(int workers) throws Exception {
        List<String> jars = sparkJars();
        Path home = dir.resolve("spark-home");
        Path jarDir = Files.createDirectories(home.resolve("jars"));
        for (String j : jars) {
            Path p = Path.of(j);
            Files.createSymbolicLink(jarDir.resolve(p.getFileName()), p);
        }
        Files.createFile(home.resolve("RELEASE")); // a distribution's layout: the launcher then reads jars/
        String cp = String.join(java.io.File.pathSeparator, jars);
        Path masterLog = dir.resolve("master.log");
        start(home, masterLog, List.of("-cp", cp, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", "0", "--webui-port", "0"));
        masterUrl = await(masterLog, MASTER_URL);
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Path log = dir.resolve("worker-" + i + ".log");
            logs.add(log);
            start(home, log, List.of("-cp", cp, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--port", "0", "--webui-port", "0", "--cores", "1", "--memory", "1g", "--work-dir",
                    Files.createDirectories(dir.resolve("work-" + i)).toString(), masterUrl));
        }
        for (Path log : logs) {
            await(log, Pattern.compile("(Successfully registered with master)"));
        }
    }

    private void start(Path home, Path log, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx512m",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        processes.add(pb.start());
    }

    /** The first group of the first line of log matching p; fails after 120 s or when a process died. */
    private String await(Path log, Pattern p) throws Exception {
        for (int i = 0; i < 1200; i++) {
            if (Files.exists(log)) {
                Matcher m = p.matcher(Files.readString(log));
                if (m.find()) {
                    return m.group(1);
                }
            }
            for (Process pr : processes) {
                if (!pr.isAlive()) {
                    throw new IllegalStateException("a Spark process ended (status " + pr.exitValue() + "); log "
                            + log + ":\n" + (Files.exists(log) ? Files.readString(log) : ""));
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no '" + p + "' in " + log + " after 120 s:\n" + Files.readString(log));
    }

    String masterUrl() {
        return masterUrl;
    }

    /** The executors' logs (stderr of each application's executors), for failure messages. */
    String executorLogs() throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
                String t = Files.readString(p);
                b.append("== ").append(p).append('\n').append(t, Math.max(0, t.length() - 3000), t.length());
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    /** A jar of a class folder (target/classes), as a cluster's executors need the program. */
    static Path jarOf(Path classes, Path jar) throws IOException {
        try (OutputStream f = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(f);
             Stream<Path> files = Files.walk(classes)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
