package dev.venice.plugins.topicretention;

import dev.venice.testkit.TestingAdminActions;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * A {@link TopicReader} over an in-memory topic list, whose retention follows the topic-config
 * changes the {@link TestingAdminActions} recorded (dry runs change nothing), as Kafka's would.
 * Thread-safe.
 */
final class FakeKafka implements TopicReader {
  private final Map<String, Long> retention = new TreeMap<>();
  private final TestingAdminActions actions;
  private int applied;
  private boolean failing;
  private int describeCalls;

  FakeKafka(TestingAdminActions actions) {
    this.actions = actions;
  }

  /** Adds (or replaces) a topic with its retention. */
  synchronized FakeKafka topic(String topic, Duration retentionMs) {
    retention.put(topic, retentionMs.toMillis());
    return this;
  }

  /** Deletes a topic. */
  synchronized void delete(String topic) {
    retention.remove(topic);
  }

  /** While true, every call fails as when Kafka does not answer. */
  synchronized void failing(boolean failing) {
    this.failing = failing;
  }

  synchronized long retentionOf(String topic) {
    apply();
    return retention.get(topic);
  }

  synchronized int describeCalls() {
    return describeCalls;
  }

  @Override
  public synchronized Set<String> topics() throws TimeoutException {
    check();
    apply();
    return Set.copyOf(retention.keySet());
  }

  @Override
  public synchronized Map<String, Long> retentionMs(Collection<String> topics)
      throws TimeoutException {
    check();
    apply();
    describeCalls++;
    Map<String, Long> described = new TreeMap<>();
    topics.stream().filter(retention::containsKey).forEach(t -> described.put(t, retention.get(t)));
    return described;
  }

  @Override
  public void close() {}

  private void check() throws TimeoutException {
    if (failing) {
      throw new TimeoutException("Kafka did not answer within 30 s");
    }
  }

  private void apply() {
    List<TestingAdminActions.Call> calls = actions.calls();
    for (TestingAdminActions.Call call : calls.subList(applied, calls.size())) {
      if (!call.dryRun()) {
        call.topicConfigs().forEach((topic, configs) -> {
          if (retention.containsKey(topic)) {
            retention.put(topic, Long.parseLong(configs.get("retention.ms")));
          }
        });
      }
    }
    applied = calls.size();
  }
}
