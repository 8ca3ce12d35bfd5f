package dev.venice.runtime.common.meta;

/** Kafka topic and Helix resource names, as Venice spells them. */
public final class TopicNames {
  private TopicNames() {}

  /** The version topic (and Helix resource) of a store version: {@code <store>_v<N>}. */
  public static String versionTopic(String store, int version) {
    return store + "_v" + version;
  }

  /** The store of a version topic {@code <store>_v<N>}. */
  public static String storeOf(String versionTopic) {
    return versionTopic.substring(0, versionSeparator(versionTopic));
  }

  /** The version number of a version topic {@code <store>_v<N>}. */
  public static int versionOf(String versionTopic) {
    return Integer.parseInt(versionTopic.substring(versionSeparator(versionTopic) + 2));
  }

  private static int versionSeparator(String topic) {
    int at = topic.lastIndexOf("_v");
    if (at <= 0 || at + 2 >= topic.length()
        || !topic.substring(at + 2).chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("'" + topic + "' is not a version topic <store>_v<N>");
    }
    return at;
  }

  /** The real-time topic of a hybrid store: {@code <store>_rt}. */
  public static String realTimeTopic(String store) {
    return store + "_rt";
  }
}
