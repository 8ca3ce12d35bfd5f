package dev.venice.plugins.deadletterqueue;

import java.util.Map;

/** What {@link TopicProvisioner} needs from Kafka's admin API (a fake in tests). */
interface TopicAdmin extends AutoCloseable {
  /** The number of live brokers. */
  int brokers() throws Exception;

  /**
   * Creates {@code topic}.
   *
   * @return true when created, false when it already existed (which counts as done)
   * @throws Exception when Kafka could not create it (retried by the caller)
   */
  boolean create(String topic, int partitions, short replicationFactor,
      Map<String, String> configs) throws Exception;

  @Override
  void close();
}
