/**
 * The semantic system's run policy: epochs with a test estimate and a checkpoint after each, the
 * accuracy curve, every output file, and the comparison of several finished runs.
 */
package org.grmodelfree.semantic.run;
