/**
 * The communication system: learned transmitter and receivers, the Gaussian policy sampler, the
 * built-in channels and the shared-seed training-message source. Complex symbols are stored as
 * interleaved reals (re0, im0, re1, im1, ...), one message per row, so the receivers'
 * complex-to-real step is the storage layout itself.
 */
package org.grmodelfree.comm;
