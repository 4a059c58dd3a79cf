/**
 * Neural-network building blocks on float matrices ({@link org.ejml.data.FMatrixRMaj}, row-major,
 * one example per row): vectorised matrix kernels, layers with explicit forward and backward passes,
 * losses and the Adam optimiser.
 *
 * <p>Conventions, after EJML: inputs come first and outputs last; every method documents which
 * arguments it modifies; outputs must already have the right shape (they are never reallocated in
 * a forward, backward or optimiser step, so a warmed-up training loop allocates nothing).
 * Nothing here knows about channels, messages or sockets.
 */
package org.grmodelfree.nn;
