package dev.venice.runtime.common.meta;

/**
 * One version of a store: the data of one push, in its own Kafka topic and Helix resource.
 *
 * @param number the version number, from 1
 * @param status where the version stands
 * @param createdAtMs when the push started (epoch milliseconds)
 * @param partitionCount the partitions of this version (fixed for its life)
 * @param replicationFactor the replicas per partition
 * @param compressionStrategy how its values are compressed
 * @param statusDetail why it failed, or {@code ""}
 * @param recordCount the records its push declared (keys), or {@code null} when the push did not
 *     say; compared by the next push to refuse an accidental shrink
 */
public record Version(
    int number,
    VersionStatus status,
    long createdAtMs,
    int partitionCount,
    int replicationFactor,
    CompressionStrategy compressionStrategy,
    String statusDetail,
    Long recordCount) {

  /** A copy with another status. */
  public Version withStatus(VersionStatus newStatus, String detail) {
    return new Version(number, newStatus, createdAtMs, partitionCount, replicationFactor,
        compressionStrategy, detail, recordCount);
  }
}
