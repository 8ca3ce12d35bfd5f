package dev.venice.runtime.common.meta;

/**
 * Where cluster metadata lives in ZooKeeper, laid out as Venice does; shared by the controller
 * (which writes stores and reads replica reports) and servers (which read stores and write
 * reports).
 */
public final class ZkPaths {
  private ZkPaths() {}

  /** {@code /<cluster>/Stores}: one child per store, its data the store's JSON. */
  public static String stores(String cluster) {
    return "/" + cluster + "/Stores";
  }

  /** {@code /<cluster>/Stores/<store>}. */
  public static String store(String cluster, String store) {
    return stores(cluster) + "/" + store;
  }

  /** {@code /<cluster>/Stores/<store>/key-schema/1}. */
  public static String keySchema(String cluster, String store) {
    return store(cluster, store) + "/key-schema/1";
  }

  /** {@code /<cluster>/Stores/<store>/value-schema}: one child per schema id. */
  public static String valueSchemas(String cluster, String store) {
    return store(cluster, store) + "/value-schema";
  }

  /**
   * {@code /<cluster>/Stores/<store>/dictionaries}: one child per {@code ZSTD_WITH_DICT} version,
   * named by its number, its data the version's compression dictionary (raw bytes), written once
   * by the controller when the push sends it and removed with the version.
   */
  public static String dictionaries(String cluster, String store) {
    return store(cluster, store) + "/dictionaries";
  }

  /** {@code /<cluster>/Stores/<store>/dictionaries/<version>}. */
  public static String dictionary(String cluster, String store, int version) {
    return dictionaries(cluster, store) + "/" + version;
  }

  /** {@code /<cluster>/OfflinePushes}: replica reports, one child per version topic. */
  public static String pushes(String cluster) {
    return "/" + cluster + "/OfflinePushes";
  }

  /** {@code /<cluster>/OfflinePushes/<topic>}. */
  public static String push(String cluster, String topic) {
    return pushes(cluster) + "/" + topic;
  }

  /** {@code /<cluster>/OfflinePushes/<topic>/<partition>/<instance>}: one replica's status. */
  public static String replicaStatus(String cluster, String topic, int partition,
      String instance) {
    return push(cluster, topic) + "/" + partition + "/" + instance;
  }

  /**
   * {@code /<cluster>/LiveProcesses}: one EPHEMERAL child per running controller, router and
   * server, named by its instance id, its data JSON {@code {"kind": "server", "adminUrl":
   * "http://host:port", "grpcAddress": "host:port"}} ({@code grpcAddress} null for a controller).
   * Written by the process once its ports are bound, removed when it stops or its ZooKeeper session
   * ends; read by every process's cluster view.
   */
  public static String liveProcesses(String cluster) {
    return "/" + cluster + "/LiveProcesses";
  }

  /** {@code /<cluster>/LiveProcesses/<instanceId>}: one live process's registration. */
  public static String liveProcess(String cluster, String instanceId) {
    return liveProcesses(cluster) + "/" + instanceId;
  }

  /**
   * {@code /<cluster>/LeaderTerms/<topic>}: one child per partition, its data the partition's
   * leadership term, a number each new leader raises (see the server's replication notes).
   */
  public static String leaderTerms(String cluster, String topic) {
    return "/" + cluster + "/LeaderTerms/" + topic;
  }

  /** {@code /<cluster>/LeaderTerms/<topic>/<partition>}. */
  public static String leaderTerm(String cluster, String topic, int partition) {
    return leaderTerms(cluster, topic) + "/" + partition;
  }
}
