package org.grmodelfree.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grmodelfree.sweep.Sweep;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Where a sweep's cells run ({@code sweep} and {@code compare}), shared as a picocli mixin. */
final class SweepOptions {
    @Option(names = "--master", paramLabel = "URL", description = "Spark master: spark://HOST:PORT for a standalone"
            + " cluster (default: spark-submit's, else local mode in this process with all cores)")
    String master;

    @Option(names = "--parallelism", defaultValue = "0", description = "cells at once: task threads in local mode,"
            + " cores taken on a cluster (default: 0 = all)")
    int parallelism;

    @Option(names = "--retries", defaultValue = "2", description = "attempts after the first for a cell that fails"
            + " (default: ${DEFAULT-VALUE}); a cell that fails every attempt is reported with its error")
    int retries;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "a Spark setting, e.g. --conf"
            + " spark.executor.memory=2g (repeatable)")
    Map<String, String> conf = new LinkedHashMap<>();

    void validate(CommandLine.Model.CommandSpec spec) {
        if (parallelism < 0 || retries < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--parallelism and --retries must not be"
                    + " negative");
        }
        if (master != null && !master.matches("local(\\[(\\*|\\d+)(,\\d+)?])?|spark://\\S+|yarn|k8s://\\S+")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--master: '" + master + "' is no Spark"
                    + " master URL (local, local[N], spark://HOST:PORT, yarn, k8s://...)");
        }
    }

    /**
     * The settings; a cluster named by --master gets this program's jar (./modelfree's, or the one
     * this class was loaded from), since its executors have none. Under spark-submit the jar is its.
     */
    Sweep.Settings settings(CommandLine.Model.CommandSpec spec) {
        List<String> jars = List.of();
        if (master != null && !master.startsWith("local")) {
            String jar = System.getProperty("modelfree.jar");
            if (jar == null) {
                try {
                    Path p = Path.of(SweepOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                    jar = Files.isRegularFile(p) ? p.toString() : null;
                } catch (java.net.URISyntaxException | RuntimeException e) {
                    jar = null;
                }
            }
            if (jar == null || !Files.isRegularFile(Path.of(jar))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--master " + master + ": the cluster's"
                        + " executors need gr-modelfree's jar, and this JVM did not start from one: run ./modelfree,"
                        + " or spark-submit target/gr-modelfree.jar");
            }
            jars = List.of(jar);
        }
        return new Sweep.Settings(master, retries, parallelism, jars, conf);
    }
}
