/**
 * GNU Radio on this machine: finding it, compiling and running flowgraphs headless, training and
 * evaluating through them ({@code flowgraph}), and making the blocks visible to it ({@code gr-setup}).
 */
package org.grmodelfree.gnuradio;
