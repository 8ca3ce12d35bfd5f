package dev.venice.it;

import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.localcluster.LocalCluster;
import java.time.Duration;

/**
 * Replica reports sent through the admin API, as a server sends them through ZooKeeper, for tests
 * that move a version along without pushing data. The controller takes them only from a live
 * server holding the partition.
 */
final class ReplicaReports {
  private ReplicaReports() {}

  /**
   * Reports {@code status} for {@code instance}'s replica once the server has opened it: its own
   * first report (STARTED) would otherwise overwrite ours.
   */
  static void report(ControllerClient admin, String instance, String store, int version,
      int partition, ReplicaStatus status, Duration wait) {
    LocalCluster.waitFor(instance + " to open partition " + partition + " of " + store + " v"
        + version, wait, () -> admin.pushStatus(store, version).partitions().get(partition)
            .replicas().containsKey(instance));
    admin.reportReplica(store, version, partition, instance, status);
  }
}
