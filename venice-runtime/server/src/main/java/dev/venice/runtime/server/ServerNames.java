package dev.venice.runtime.server;

/** Helix names as the server reads them. */
final class ServerNames {
  private ServerNames() {}

  /** The Helix partition name {@code <resource>_<p>} to its partition number. */
  static int partitionOf(String helixPartition) {
    return Integer.parseInt(helixPartition.substring(helixPartition.lastIndexOf('_') + 1));
  }

  /** The Helix partition name {@code <resource>_<p>} of a partition of a version topic. */
  static String partitionName(String topic, int partition) {
    return topic + "_" + partition;
  }
}
