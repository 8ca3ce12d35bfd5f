package dev.venice.plugins.deadletterqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.host.StoreInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Topic creation ahead of need: settings, "already exists", retries with backoff. */
class TopicProvisionerTest {
  private static final DeadLetterQueueConfig CONFIG = new DeadLetterQueueConfig(
      Duration.ofDays(7), 3, 2, Duration.ofSeconds(5), Duration.ofSeconds(10));

  /** Records every call; fails the first {@code failures} creations. */
  static final class FakeAdmin implements TopicAdmin {
    int brokers = 1;
    int failures;
    boolean exists;
    final List<String> calls = new ArrayList<>();

    @Override
    public int brokers() {
      return brokers;
    }

    @Override
    public boolean create(String topic, int partitions, short replicationFactor,
        Map<String, String> configs) throws Exception {
      calls.add(topic + " p=" + partitions + " rf=" + replicationFactor + " "
          + new java.util.TreeMap<>(configs));
      if (failures > 0) {
        failures--;
        throw new java.util.concurrent.TimeoutException("broker away");
      }
      return !exists;
    }

    @Override
    public void close() {}
  }

  /** Tasks with their delays, run when the test says. */
  static final class ManualDelay implements TopicProvisioner.Delay {
    final Deque<Runnable> tasks = new ArrayDeque<>();
    final List<Duration> delays = new ArrayList<>();

    @Override
    public void after(Duration delay, Runnable task) {
      delays.add(delay);
      tasks.add(task);
    }

    void runNext() {
      tasks.removeFirst().run();
    }
  }

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final DeadLetterQueueMetrics metrics = new DeadLetterQueueMetrics(registry, "p.");
  private final ManualDelay delay = new ManualDelay();

  private TopicProvisioner provisioner(TopicAdmin admin) {
    return new TopicProvisioner(admin, s -> Optional.of(new StoreInfo(s, 1, 4, 2, "NO_OP", true,
        Map.of())), s -> CONFIG, delay, () -> 5L, metrics,
        LoggerFactory.getLogger(TopicProvisionerTest.class));
  }

  @Test
  void createsOnceWithTheStoresPartitionsCappedReplicationAndRetention() {
    FakeAdmin admin = new FakeAdmin();
    TopicProvisioner topics = provisioner(admin);
    topics.want("users");
    topics.want("users");
    assertEquals(1, delay.tasks.size(), "one attempt for a store wanted twice");
    assertEquals(Duration.ZERO, delay.delays.get(0), "at once, not on the failure path");
    delay.runNext();
    assertEquals(List.of("users_dlq p=4 rf=1 {min.insync.replicas=1, retention.ms=604800000}"),
        admin.calls, "replication and min.insync.replicas capped by the single broker");
    assertEquals(1, topics.ready());
    assertEquals(0, topics.pending());
    topics.want("users");
    assertTrue(delay.tasks.isEmpty(), "a created topic is not created again");

    FakeAdmin three = new FakeAdmin();
    three.brokers = 5;
    provisioner(three).want("big");
    delay.runNext();
    assertEquals(List.of("big_dlq p=4 rf=3 {min.insync.replicas=2, retention.ms=604800000}"),
        three.calls);
  }

  @Test
  void alreadyExistsIsDone() {
    FakeAdmin admin = new FakeAdmin();
    admin.exists = true;
    TopicProvisioner topics = provisioner(admin);
    topics.want("users");
    delay.runNext();
    assertEquals(1, topics.ready());
    assertTrue(delay.tasks.isEmpty());
  }

  @Test
  void failuresAreCountedAndRetriedWithDoublingBackoffUpToTheMaximum() {
    FakeAdmin admin = new FakeAdmin();
    admin.failures = 4;
    TopicProvisioner topics = provisioner(admin);
    topics.want("users");
    for (int i = 0; i < 5; i++) {
      assertEquals(1, topics.pending() + topics.ready());
      assertFalse(topics.ready() == 1, "not ready before attempt " + (i + 1));
      delay.runNext();
    }
    assertEquals(1, topics.ready());
    assertEquals(5, admin.calls.size());
    assertEquals(List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(4), Duration.ofSeconds(5)), delay.delays, "1s doubling, capped at 5s");
    assertEquals(4.0, registry.get("p.topic.creation.failures").tag("store", "users").counter()
        .count());
    TopicProvisioner.Status status = topics.statuses().get(0);
    assertEquals(4, status.failedAttempts());
    assertTrue(status.ready());
  }

  @Test
  void theLastErrorIsShownAndClosingStopsRetries() {
    FakeAdmin admin = new FakeAdmin();
    admin.failures = 100;
    TopicProvisioner topics = provisioner(admin);
    topics.want("users");
    delay.runNext();
    assertTrue(topics.statuses().get(0).lastError().contains("broker away"),
        topics.statuses().toString());
    topics.close();
    delay.runNext();
    assertEquals(1, admin.calls.size(), "no attempt after close");
    assertTrue(delay.tasks.isEmpty());
  }

  @Test
  void withoutKafkaTopicsStayPendingWithTheReason() {
    TopicProvisioner topics = provisioner(null);
    topics.want("users");
    delay.runNext();
    assertEquals(1, topics.pending());
    assertTrue(topics.statuses().get(0).lastError().contains("no Kafka"));
    assertTrue(delay.tasks.isEmpty(), "nothing to retry against");
  }

  @Test
  void backoffDoublesFromOneSecond() {
    assertEquals(Duration.ofSeconds(1), TopicProvisioner.backoff(1, Duration.ofMinutes(1)));
    assertEquals(Duration.ofSeconds(32), TopicProvisioner.backoff(6, Duration.ofMinutes(1)));
    assertEquals(Duration.ofMinutes(1), TopicProvisioner.backoff(7, Duration.ofMinutes(1)));
    assertEquals(Duration.ofMinutes(1), TopicProvisioner.backoff(500, Duration.ofMinutes(1)));
  }
}
