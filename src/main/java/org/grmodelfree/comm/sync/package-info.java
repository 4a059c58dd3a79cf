/**
 * The link through a radio: the radio frame ({@link org.grmodelfree.comm.sync.RadioFormat}: a
 * repeated sync block, pilots, a tail, root-raised-cosine pulses), its transmit side
 * ({@link org.grmodelfree.comm.sync.RadioFramer}: framing, pulse shaping, DAC level) and its
 * receive side ({@link org.grmodelfree.comm.sync.RadioSync}: detection, fractional timing,
 * sample-clock and carrier offsets, phase and gain from each frame's own known symbols), with the
 * filter design ({@link org.grmodelfree.comm.sync.RrcFilter}) and the data-aided estimators they
 * use ({@link org.grmodelfree.comm.sync.SyncEstimators}). Nothing here assumes a constellation.
 * Complex samples are interleaved floats (re0, im0, re1, im1, ...), like the rest of comm.
 */
package org.grmodelfree.comm.sync;
