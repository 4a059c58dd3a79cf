/**
 * Sweeps: a grid of training runs (cells), each trained and evaluated as one task of Apache Spark, in
 * local mode inside this JVM or on a cluster. Every cell's result is written atomically as it
 * finishes, so a rerun skips the finished cells; a cell that fails every attempt is reported with its
 * error. The results become one table and plots (learning curves over seeds, BLER vs SNR per
 * recipe, final BLER per axis value). Only this package sees Spark; the jar does not carry it.
 */
package org.grmodelfree.sweep;
