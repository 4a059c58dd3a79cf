/**
 * A link training run's policy and outputs: iterate with progress and BLER estimates, stop on the
 * iteration count or patience, checkpoint so a run resumes exactly, then evaluate and write every
 * output file (summary, model, CSVs, plots); also a trained model's evaluation.
 */
package org.grmodelfree.run;
