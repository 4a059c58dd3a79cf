package org.grmodelfree.sweep;

import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Runs cells as the tasks of one Spark job, a cell per partition, and hands each result to the
 * caller's thread as its task ends (Spark's result handler), so the caller writes it at once.
 *
 * <p>A task that throws is retried by Spark up to {@code retries} times; on its last attempt the
 * task itself catches the error and returns it as a failed result, so one failing cell never aborts
 * the job and is never dropped. Each task trains on one thread ({@code -Dmodelfree.threads=1} on
 * executors; in local mode the caller sets it): parallelism comes from running cells side by side,
 * and results do not depend on it.
 */
final class SparkSweep {

    /** What the progress line shows, updated from Spark's listener and the result handler. */
    static final class Counts {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger retried = new AtomicInteger();
    }

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)])?");

    private SparkSweep() {
    }

    /**
     * The master URL to use: the given one, else Spark's {@code spark.master} property (set by
     * spark-submit), else {@code local[parallelism or *]}; a plain local master gets the retries
     * (in local mode Spark retries only when the master says so, {@code local[N,F]}).
     */
    static String master(Sweep.Settings o) {
        String m = o.master() != null ? o.master() : System.getProperty("spark.master");
        if (m == null) {
            m = "local[" + (o.parallelism() > 0 ? o.parallelism() : "*") + "]";
        }
        Matcher l = LOCAL.matcher(m);
        if (l.matches()) {
            String n = l.group(1) != null ? l.group(1) : "1";
            return "local[" + n + "," + (o.retries() + 1) + "]";
        }
        return m;
    }

    /**
     * Runs the cells; {@code onResult} is called on this thread for each result as it arrives, and
     * {@code tick} about once a second. Returns when every cell has a result.
     */
    static void run(List<Cell> cells, CellTask task, Sweep.Settings o, Consumer<CellResult> onResult, Counts counts,
                    Runnable tick) throws InterruptedException {
        if (cells.isEmpty()) {
            return;
        }
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "org/grmodelfree/sweep/spark-log4j2.properties");
        }
        String master = master(o);
        SparkConf conf = new SparkConf()
                .setAppName("gr-modelfree sweep")
                .setMaster(master)
                .set("spark.ui.enabled", "false")
                .set("spark.task.maxFailures", Integer.toString(o.retries() + 1))
                .set("spark.executor.extraJavaOptions",
                        "--add-modules jdk.incubator.vector -Dmodelfree.threads=1 -Djava.awt.headless=true");
        if (master.startsWith("local")) {
            // everything in this JVM: Spark's own sockets stay on loopback
            conf.set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.host", "127.0.0.1");
        }
        if (o.parallelism() > 0 && !master.startsWith("local")) {
            conf.set("spark.cores.max", Integer.toString(o.parallelism()));
        }
        if (!o.jars().isEmpty()) {
            conf.setJars(o.jars().toArray(String[]::new));
        }
        for (Map.Entry<String, String> e : o.conf().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        BlockingQueue<CellResult> results = new LinkedBlockingQueue<>();
        try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
            SparkContext sc = jsc.sc();
            sc.addSparkListener(new SparkListener() {
                @Override
                public void onTaskStart(SparkListenerTaskStart start) {
                    counts.running.incrementAndGet();
                }

                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    counts.running.decrementAndGet();
                    if (!end.taskInfo().successful()) {
                        counts.retried.incrementAndGet();
                    }
                }
            });
            JavaRDD<Cell> rdd = jsc.parallelize(cells, cells.size());
            List<Object> partitions = new ArrayList<>();
            for (int i = 0; i < cells.size(); i++) {
                partitions.add(i);
            }
            var job = sc.submitJob(rdd.rdd(), new RunCell(task, o.retries() + 1),
                    scala.jdk.javaapi.CollectionConverters.asScala(partitions).toSeq(),
                    new Handler(results), new Done());
            int received = 0;
            while (received < cells.size()) {
                CellResult r = results.poll(1, TimeUnit.SECONDS);
                if (r != null) {
                    received++;
                    onResult.accept(r);
                } else if (job.isCompleted() && results.isEmpty()) {
                    // the job ended without a result for every cell: only a failure of Spark itself does that
                    job.value().get().get();
                    throw new IllegalStateException("Spark's job ended with " + received + " of " + cells.size()
                            + " results");
                }
                tick.run();
            }
        }
    }

    /** The task: runs its partition's cell; on the last allowed attempt, a failure becomes the result. */
    static final class RunCell extends AbstractFunction1<Iterator<Cell>, CellResult> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final CellTask task;
        private final int maxAttempts;

        RunCell(CellTask task, int maxAttempts) {
            this.task = task;
            this.maxAttempts = maxAttempts;
        }

        @Override
        public CellResult apply(Iterator<Cell> partition) {
            Cell cell = partition.next();
            TaskContext tc = TaskContext.get();
            int attempt = tc.attemptNumber() + 1;
            String where = SparkEnv.get().executorId() + "@" + SparkEnv.get().blockManager().blockManagerId().host();
            long t0 = System.nanoTime();
            try {
                return task.run(cell).attempt(attempt, where);
            } catch (Throwable e) { // an Error too: on the last attempt it is the cell's result, never lost
                if (attempt < maxAttempts) {
                    throw new IllegalStateException("cell " + cell.label() + ", attempt " + attempt + " of "
                            + maxAttempts + ": " + e, e);
                }
                return CellResult.failed(cell, describe(e), attempt, where, (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    /** The exception and message, and the first frames of its trace. */
    static String describe(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        String[] lines = w.toString().split("\n");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(lines.length, 8); i++) {
            b.append(i == 0 ? "" : "\n").append(lines[i].strip());
        }
        return b.toString();
    }

    /** Spark's result handler (the scheduler's thread): queue the result for the caller. */
    private static final class Handler extends AbstractFunction2<Object, CellResult, BoxedUnit> {
        private final BlockingQueue<CellResult> results;

        Handler(BlockingQueue<CellResult> results) {
            this.results = results;
        }

        @Override
        public BoxedUnit apply(Object index, CellResult r) {
            results.add(r);
            return BoxedUnit.UNIT;
        }
    }

    /** The job's overall value: nothing (results went through the handler). */
    private static final class Done extends AbstractFunction0<BoxedUnit> {
        @Override
        public BoxedUnit apply() {
            return BoxedUnit.UNIT;
        }
    }
}
