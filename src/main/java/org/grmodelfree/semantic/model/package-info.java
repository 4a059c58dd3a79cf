/**
 * Semantic communication (docs/design.md, "Semantic communication", RL-SINFONY): four agents each see one quadrant of
 * an image and send learned features over a noisy channel; one receiver recovers the class.
 * Trained model-aware (gradient through a noise layer), model-free (alternating receiver steps and
 * policy-gradient transmitter steps) or with perfect communication. Training logic only: no
 * sockets, wire formats, files or output; the command line and the blocks build on it.
 */
package org.grmodelfree.semantic.model;
