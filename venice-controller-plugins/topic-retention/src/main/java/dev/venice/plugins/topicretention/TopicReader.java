package dev.venice.plugins.topicretention;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * What {@link TopicRetentionEnforcer} reads from Kafka (a fake in tests): the topics and their
 * retention. Read only: the enforcer changes topics through the controller's admin path, never
 * here.
 */
interface TopicReader extends AutoCloseable {
  /**
   * Every topic of the cluster (internal ones included; the enforcer ignores what is not a Venice
   * name).
   *
   * @throws Exception when Kafka does not answer (the run fails and the next one tries again)
   */
  Set<String> topics() throws Exception;

  /**
   * The effective {@code retention.ms} of each of {@code topics} (the topic's own setting, else the
   * broker's default), in batches. A topic deleted since it was listed is left out.
   *
   * @throws Exception when Kafka does not answer
   */
  Map<String, Long> retentionMs(Collection<String> topics) throws Exception;

  @Override
  void close();
}
