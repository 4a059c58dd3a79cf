/**
 * The studies of {@code modelfree compare}: alternating against supervised training over seeds,
 * and the accuracy of the policy-gradient estimate; each writes its CSVs, plots and JSON.
 */
package org.grmodelfree.experiments;
