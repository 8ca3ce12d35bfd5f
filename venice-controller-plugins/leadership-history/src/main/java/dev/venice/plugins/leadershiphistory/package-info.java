/**
 * The {@code leadership-history} controller plugin (seed project 20): every gain and loss of the
 * cluster's controller leadership, recorded off the election's thread in a ring buffer of the last
 * 100 events in ZooKeeper, ordered by ZooKeeper's transaction ids; counted in metrics; shown by
 * {@code venice show-controller-history}. See the module's README.
 */
package dev.venice.plugins.leadershiphistory;
