package dev.venice.spi.davinci;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * One partition a Da Vinci client holds locally.
 *
 * @param store the store
 * @param version the store version
 * @param partition the partition
 * @param topic the version topic
 * @param topicId Kafka's id of the version topic when the partition was subscribed, or empty
 * @param caughtUp whether it has caught up (serves reads)
 * @since 1.8.0
 */
@Experimental(since = "1.8.0")
public record LocalPartition(String store, int version, int partition, String topic,
    String topicId, boolean caughtUp) {
  /** Checks the names. */
  public LocalPartition {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(topicId, "topicId");
  }
}
