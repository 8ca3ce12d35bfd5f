package dev.venice.runtime.common.meta;

import java.util.List;
import java.util.Map;

/**
 * The status of one version's push: the version's own status and every replica's report.
 *
 * @param store the store
 * @param version the version number
 * @param status the version's status
 * @param detail why it failed, or what it still waits for
 * @param partitions per partition, instance id to replica status
 * @param progress the push job's last progress report with its ETA while the push is in
 *     progress; null when it sent none or the push ended
 */
public record PushStatus(String store, int version, VersionStatus status, String detail,
    List<PartitionStatus> partitions, PushProgressReport progress) {

  /**
   * One partition's replica reports.
   *
   * @param partition the partition
   * @param replicas instance id to status
   */
  public record PartitionStatus(int partition, Map<String, ReplicaStatus> replicas) {}
}
