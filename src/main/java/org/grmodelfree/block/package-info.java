/**
 * The runnable blocks and their contract: each block declares its ports and parameters once, in a
 * {@link org.grmodelfree.block.BlockSpec}, from which its command-line parameters are parsed, its
 * {@code --describe} JSON is printed and its GNU Radio Companion YAML is checked.
 */
package org.grmodelfree.block;
