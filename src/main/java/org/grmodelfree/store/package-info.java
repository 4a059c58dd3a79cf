/**
 * Trained models on disk: the msgpack model file (weights, optimiser state, configuration and
 * history, enough to resume a run exactly), written atomically and read back with validation.
 */
package org.grmodelfree.store;
