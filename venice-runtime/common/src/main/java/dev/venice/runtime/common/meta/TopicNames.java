package dev.venice.runtime.common.meta;

/** Kafka topic and Helix resource names, as Venice spells them. */
public final class TopicNames {
  private TopicNames() {}

  /** The version topic (and Helix resource) of a store version: {@code <store>_v<N>}. */
  public static String versionTopic(String store, int version) {
    return store + "_v" + version;
  }

  /** The real-time topic of a hybrid store: {@code <store>_rt}. */
  public static String realTimeTopic(String store) {
    return store + "_rt";
  }
}
