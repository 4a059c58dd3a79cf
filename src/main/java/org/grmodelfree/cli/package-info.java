/**
 * The command line and nothing else: {@link org.grmodelfree.cli.Main} and thin picocli commands
 * that parse options, call one thing in the packages below and print through picocli's out and
 * err writers, with the options they share as mixins ({@code --out}, {@code --quiet}).
 */
package org.grmodelfree.cli;
