/**
 * Neural-network building blocks on float matrices ({@link org.ejml.data.FMatrixRMaj}, row-major,
 * one example per row): vectorised matrix kernels, layers with explicit forward and backward passes,
 * losses and the Adam optimiser.
 *
 * <p>Conventions, after EJML: inputs come first and outputs last; every method documents which
 * arguments it modifies; outputs must already have the right shape (they are never reallocated in
 * a forward, backward or optimiser step, so a warmed-up training loop allocates nothing).
 * Nothing here knows about channels, messages or sockets.
 *
 * <p>Image tensors (the convolutional layers: {@link org.grmodelfree.nn.Conv2D},
 * {@link org.grmodelfree.nn.BatchNorm}, {@link org.grmodelfree.nn.ResidualUnit},
 * {@link org.grmodelfree.nn.ResNetStage}, {@link org.grmodelfree.nn.GlobalAveragePool},
 * {@link org.grmodelfree.nn.ResNetFeatureExtractor}) keep the same convention: one example per
 * row, its channels x height x width values in NCHW order ({@link org.grmodelfree.nn.ImageShape}).
 * Layers whose state carries over between steps without being trained (batch-norm running
 * statistics) list it in {@link org.grmodelfree.nn.Layer#buffers()}, to be saved with the
 * parameters but kept away from the optimiser.
 */
package org.grmodelfree.nn;
