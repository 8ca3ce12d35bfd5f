package dev.venice.spi.davinci;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * A partition's local copy found at subscription, with what Kafka says of its version topic now.
 *
 * @param store the store
 * @param version the store version being subscribed
 * @param partition the partition
 * @param topic the version topic, {@code <store>_v<version>}
 * @param topicId Kafka's id of the topic as it exists now (a recreated topic has a new id), or
 *     empty when Kafka could not say
 * @param topicStartOffset the first offset Kafka still holds for the partition
 * @param topicEndOffset the offset after the last one (the log end)
 * @param localOffset the last offset the local copy applied, or -1 when it applied none
 * @since 1.8.0
 */
@Experimental(since = "1.8.0")
public record LocalCopy(String store, int version, int partition, String topic, String topicId,
    long topicStartOffset, long topicEndOffset, long localOffset) {
  /** Checks the names. */
  public LocalCopy {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(topicId, "topicId");
  }
}
