package org.grmodelfree.sweep;

import java.io.Serializable;

/**
 * What a Spark task does with its cell: {@link CellRun#run} for every sweep; a test may give another
 * (one that throws, say). It travels to the executors, so it must be serialisable.
 */
@FunctionalInterface
public interface CellTask extends Serializable {
    CellResult run(Cell cell) throws Exception;

    /** Training and measuring the cell ({@link CellRun}). */
    CellTask TRAIN = CellRun::run;
}
