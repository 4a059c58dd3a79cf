/**
 * Training and evaluation: the transmitter-side and receiver-side learners, the alternating
 * (model-free) and model-aware trainers, schedules, stop criteria and Monte Carlo BLER. Trainers
 * take matrices and typed feedback (per-example losses), never wire messages.
 */
package org.grmodelfree.train;
