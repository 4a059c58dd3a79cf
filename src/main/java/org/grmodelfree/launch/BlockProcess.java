package org.grmodelfree.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.grmodelfree.block.Block;
import org.grmodelfree.block.BlockRunner;
import org.grmodelfree.block.Params;

/**
 * One block run as this whole process ({@code modelfree block NAME}): its runner over ZeroMQ, a
 * shutdown hook that stops it cleanly on SIGTERM or SIGINT, and, when a launcher keeps our standard
 * input open, a watch that ends the process when the launcher dies and takes run-time parameter
 * changes from it.
 */
public final class BlockProcess {

    private BlockProcess() {
    }

    /**
     * Runs the block until it is done or stopped and hands its report to {@code report}: the
     * block's name, its final status ("done" or "stopped"), the endpoints its ports bound or
     * connected to, and its counters.
     *
     * @param parent the launcher's end of our standard input to watch (see {@link #watchParent}), or null
     * @param holdUntilStart whether the block waits, its ports set up, for a line "start" from the
     *     parent before it begins to work (see {@link BlockRunner#hold()}); needs a parent
     * @param log where the block's log lines go
     * @param report takes the report before the process may end: a stop by signal waits for it
     */
    public static void run(Blocks.Entry entry, Params params, InputStream parent, boolean holdUntilStart,
                           Consumer<String> log, Consumer<Map<String, Object>> report) throws Exception {
        if (holdUntilStart && parent == null) {
            throw new IllegalArgumentException("--hold-until-start needs --exit-with-parent: the start comes from the"
                    + " launcher, as a line 'start' on standard input");
        }
        Block block = entry.create(params);
        BlockRunner runner = new BlockRunner(block, params, log);
        if (holdUntilStart) {
            runner.hold();
        }
        // A stop by signal (or by the parent's end) lets the run finish and report, for up to 5 s.
        // It waits for the report, not for this thread: this thread may go on to System.exit,
        // which blocks while the JVM is already shutting down.
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            runner.requestStop();
            try {
                reported.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "block-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        if (parent != null) {
            watchParent(parent, runner, log);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("block", entry.spec().name());
        try {
            Block.Status status = runner.run();
            result.put("status", status == Block.Status.DONE ? "done" : "stopped");
            result.put("endpoints", runner.endpoints());
            result.put("stats", block.stats());
            report.accept(result);
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the report
            }
        }
    }

    /**
     * Ends the process when the launcher that started it dies (its end of our standard input
     * closes). Meanwhile each line "set ID VALUE" on standard input changes a run-time parameter
     * (the GNU Radio bridge's callbacks) and a line "start" releases a held block; other lines, and
     * rejected values, are logged and ignored.
     */
    private static void watchParent(InputStream in, BlockRunner runner, Consumer<String> log) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] w = line.strip().split("\\s+");
                    if (w.length == 1 && w[0].equals("start")) {
                        runner.release();
                    } else if (w.length == 3 && w[0].equals("set")) {
                        try {
                            runner.set(w[1], w[2]);
                        } catch (IllegalArgumentException e) {
                            log.accept("setting rejected: " + e.getMessage());
                        }
                    } else if (!line.isBlank()) {
                        log.accept("ignored on standard input (expected 'set ID VALUE' or 'start'): " + line.strip());
                    }
                }
            } catch (IOException e) {
                // treat as gone
            }
            runner.requestStop();
            System.exit(3);
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
