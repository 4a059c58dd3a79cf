/**
 * Benchmarks: time and allocation per training iteration, the blocks' streaming throughput, the
 * iteration over ZeroMQ and through GNU Radio ({@code modelfree bench}), and the convolutional
 * feature extractors' training step.
 */
package org.grmodelfree.bench;
