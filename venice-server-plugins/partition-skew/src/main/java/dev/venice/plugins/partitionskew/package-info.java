/**
 * The {@code partition-skew} plugin: servers snapshot their partitions' record counts and bytes in
 * the background and serve them at {@code /plugins/partition-skew/partitions}; controllers gather
 * them from every server, choose one replica per partition, compute the distribution (min, max,
 * mean, standard deviation, p99, coefficient of variation) at {@code /plugins/partition-skew/skew}
 * and warn at the end of a push whose records are skewed beyond a threshold. See the module's
 * README.
 */
package dev.venice.plugins.partitionskew;
