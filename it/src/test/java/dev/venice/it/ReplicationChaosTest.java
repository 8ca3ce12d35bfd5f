package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.data.Envelope;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.localcluster.ExternalProcess;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.protocol.GetResponse;
import dev.venice.runtime.protocol.KeyValue;
import dev.venice.runtime.push.OnlineProducer;
import dev.venice.runtime.push.PushJob;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hybrid replication under the faults that lost acknowledged writes before: a new leader starting
 * while real-time writes pour in, a leader stalled past its ZooKeeper session (a zombie when it
 * resumes) and a leader killed and restarted, with servers in JVMs of their own. Each scenario
 * checks that every acknowledged write is readable with its value from every replica (each read
 * directly), that no replica ever answers an older value after a newer one, and, decoding the
 * version topic with a plain Kafka consumer, that no record of a stale leader follows the first
 * record of its successor (so two leaders never wrote at once).
 *
 * <p>One cluster (two servers in JVMs of their own) serves the three scenarios, each on a store of
 * its own: a scenario ends with every server back in the external view, as the next one needs it.
 */
class ReplicationChaosTest {
  private static final Duration SESSION = Duration.ofSeconds(4);
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int HOT_KEYS = 4;
  private static LocalCluster cluster;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().externalServers(2).zooKeeperSessionTimeout(SESSION)
        .controllerConfig("push.monitor.interval", "50ms").build();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Path data(String name, int records) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      lines.add("{\"key\": \"b" + i + "\", \"value\": {\"name\": \"batch\", \"age\": " + i + "}}");
    }
    return Files.write(dir.resolve(name), lines);
  }

  private static void createHybrid(LocalCluster cluster, String store, int partitions) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("name", store);
    request.put("keySchema", Schemas.KEY);
    request.put("valueSchema", Schemas.USER_V1);
    request.put("partitionCount", partitions);
    request.put("replicationFactor", 2);
    request.put("hybrid", Map.of("rewindSeconds", 3600, "offsetLagThreshold", 1000));
    new ControllerClient(cluster.controllerUrl()).createStore(request);
  }

  @Test
  void leadersStartingUnderRealTimeWritesCopyEveryWrite() throws Exception {
    createHybrid(cluster, "fresh", 3);
    try (Workload load = new Workload(cluster, "fresh", Duration.ofMillis(2))) {
      // writes pour in while each version's leaders start; the exact window a lazy seek lost
      // records in is probed deterministically in LeaderStartPositionTest
      load.start();
      for (int version = 1; version <= 3; version++) {
        PushJob.create(cluster.controllerUrl(), "fresh", data("fresh.jsonl", 500)).run();
        load.awaitAcked(load.acked() + 200);
      }
      load.stop();
      load.verify(3, 3);
    }
  }

  @Test
  void aLeaderStalledPastItsSessionNeverWritesAfterItsSuccessor() throws Exception {
    createHybrid(cluster, "stalled", 1);
    PushJob.create(cluster.controllerUrl(), "stalled", data("stalled.jsonl", 200)).run();
    try (Workload load = new Workload(cluster, "stalled", Duration.ofMillis(20))) {
      load.start();
      load.awaitAcked(50);
      ExternalProcess leader = load.leaderProcess("stalled_v1", 0);
      cluster.faults().pause(leader);
      long pausedAt = System.nanoTime();
      load.awaitLeaderOtherThan(leader, "stalled_v1", 0);
      long ackedAtFailover = load.acked();
      // the stall itself: three session timeouts, writes going on all along
      LocalCluster.waitFor("the stall to last " + SESSION.multipliedBy(3).toSeconds() + " s",
          WAIT, () -> System.nanoTime() - pausedAt > SESSION.multipliedBy(3).toNanos());
      cluster.faults().resume(leader);
      cluster.awaitInExternalView(leader.instanceId(), WAIT);
      load.awaitAcked(load.acked() + 100);
      load.stop();
      assertTrue(load.acked() > ackedAtFailover, "writes went on after the stall");
      load.verify(1, 1);
      load.assertOneHandover();
      load.assertStoppedLeading(leader);
    }
  }

  @Test
  void aLeaderKilledDuringWritesAndRestartedLosesNothing() throws Exception {
    createHybrid(cluster, "killed", 2);
    PushJob.create(cluster.controllerUrl(), "killed", data("killed.jsonl", 200)).run();
    try (Workload load = new Workload(cluster, "killed", Duration.ofMillis(5))) {
      load.start();
      load.awaitAcked(100);
      ExternalProcess leader = load.leaderProcess("killed_v1", 0);
      cluster.faults().kill(leader);
      load.awaitLeaderOtherThan(leader, "killed_v1", 0);
      load.awaitAcked(load.acked() + 200);
      cluster.faults().restart(leader, WAIT);
      cluster.awaitInExternalView(leader.instanceId(), WAIT);
      load.awaitAcked(load.acked() + 200);
      load.stop();
      load.verify(1, 2);
      load.assertOneHandover();
    }
  }

  /**
   * Real-time writes at a steady pace, each acknowledged one remembered: key {@code w<i>} gets
   * age {@code i} once, and each of a few hot keys is overwritten with a rising age. Readers poll
   * the hot keys on every replica meanwhile and note any that goes back in time.
   */
  private static final class Workload implements AutoCloseable {
    private final LocalCluster cluster;
    private final String store;
    private final Duration pace;
    private final OnlineProducer producer;
    private final Map<String, Integer> acked = new ConcurrentHashMap<>();
    private final AtomicLong ackCount = new AtomicLong();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> leaders = new ArrayList<>();

    Workload(LocalCluster cluster, String store, Duration pace) {
      this.cluster = cluster;
      this.store = store;
      this.pace = pace;
      this.producer = OnlineProducer.create(cluster.controllerUrl(), store);
    }

    void start() {
      threads.add(new Thread(this::write, "chaos-writer-" + store));
      threads.add(new Thread(this::watchLeaders, "chaos-leaders-" + store));
      for (ExternalProcess server : cluster.externalServers()) {
        threads.add(new Thread(() -> readMonotonically(server), "chaos-reader-" + server.name()));
      }
      threads.forEach(Thread::start);
    }

    private void write() {
      for (int i = 0; running.get(); i++) {
        int age = i;
        String hot = "hot" + (i % HOT_KEYS);
        for (String key : List.of("w" + i, hot)) {
          producer.put(key, user(key, age)).whenComplete((ok, error) -> {
            if (error == null) {
              acked.merge(key, age, Math::max);
              ackCount.incrementAndGet();
            }
          });
        }
        LockSupport.parkNanos(pace.toNanos()); // the workload's pace, not a wait for anything
      }
    }

    /** Notes every change of partition 0's leader of the current version (the handovers). */
    private void watchLeaders() {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      while (running.get()) {
        int version = admin.getStore(store).currentVersion();
        if (version > 0) {
          synchronized (leaders) {
            leaderOf(TopicNames.versionTopic(store, version), 0);
          }
        }
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // a sampling interval
      }
    }

    /** Polls the hot keys of the current version on one replica; an older age is a problem. */
    private void readMonotonically(ExternalProcess server) {
      Map<String, Integer> seen = new LinkedHashMap<>();
      try (Reads reads = new Reads(server.grpcPort())) {
        while (running.get()) {
          int version = new ControllerClient(cluster.controllerUrl()).getStore(store)
              .currentVersion();
          for (int k = 0; k < HOT_KEYS && running.get(); k++) {
            String key = "hot" + k;
            try {
              GetResponse response = reads.get(store, version, Data.key(key),
                  Duration.ofSeconds(1));
              if (response.getFound()) {
                int age = age(response.getValue().toByteArray(), response.getSchemaId(),
                    response.getCompressionStrategy());
                Integer before = seen.put(version + "/" + key, age);
                if (before != null && age < before) {
                  problems.add(server.instanceId() + " answered " + key + " of v" + version
                      + " with age " + age + " after " + before);
                }
              }
            } catch (StatusRuntimeException unavailable) {
              // stalled, crashed or not ready: a replica may refuse, never go back in time
            }
          }
        }
      } catch (RuntimeException e) {
        problems.add("reader of " + server.instanceId() + " failed: " + e);
      }
    }

    long acked() {
      return ackCount.get();
    }

    void awaitAcked(long count) {
      LocalCluster.waitFor(() -> count + " acknowledged writes (have " + ackCount.get() + ")",
          WAIT, () -> ackCount.get() >= count);
    }

    Optional<String> leaderOf(String topic, int partition) {
      Optional<String> leader = cluster.leaderOf(topic, partition);
      synchronized (leaders) {
        leader.ifPresent(l -> {
          String seen = topic + ":" + l;
          if (leaders.isEmpty() || !leaders.get(leaders.size() - 1).equals(seen)) {
            leaders.add(seen);
          }
        });
      }
      return leader;
    }

    /**
     * Leadership moved once: to a standby when the leader failed, and not back when the failed
     * instance returned (the controller's sticky-leader rebalancing).
     */
    void assertOneHandover() {
      synchronized (leaders) {
        assertEquals(2, leaders.size(), "partition 0's leaders, in order: " + leaders);
      }
    }

    /**
     * The stalled leader, once resumed, either found itself fenced (a stale term) or was reset by
     * Helix (its session expired) before it could write: its log says which.
     */
    void assertStoppedLeading(ExternalProcess former) throws Exception {
      try (var lines = Files.lines(former.logFile())) {
        assertTrue(lines.anyMatch(l -> l.contains("is stale") || l.contains("closed " + store)),
            former.name() + " shows neither a stale term nor a reset; see " + former.logFile());
      }
    }

    void awaitLeaderOtherThan(ExternalProcess former, String topic, int partition) {
      LocalCluster.waitFor("another replica than " + former.instanceId() + " to lead " + topic,
          WAIT, () -> leaderOf(topic, partition).filter(l -> !l.equals(former.instanceId()))
              .isPresent());
    }

    ExternalProcess leaderProcess(String topic, int partition) {
      LocalCluster.waitFor(topic + " partition " + partition + " to have a leader", WAIT,
          () -> leaderOf(topic, partition).isPresent());
      String id = leaderOf(topic, partition).orElseThrow();
      return cluster.externalServers().stream().filter(s -> s.instanceId().equals(id))
          .findFirst().orElseThrow();
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(WAIT.toMillis());
      }
    }

    /**
     * Every acknowledged write readable from every replica of {@code version}; no replica went back
     * in time; and in every version topic partition, no copy from a stale leader after the first
     * copy of its successor.
     */
    void verify(int version, int partitions) throws Exception {
      producer.close(); // every send completed: the acknowledged set is final
      Map<String, Integer> expected = Map.copyOf(acked);
      List<String> keys = new ArrayList<>(expected.keySet());
      for (ExternalProcess server : cluster.externalServers()) {
        try (Reads reads = new Reads(server.grpcPort())) {
          String[] missing = {""};
          LocalCluster.waitFor(() -> server.instanceId() + " to serve every acknowledged write of"
              + " v" + version + "; e.g. " + missing[0], WAIT, () -> {
                missing[0] = firstMismatch(reads, version, keys, expected);
                return missing[0].isEmpty();
              });
        }
      }
      assertTrue(problems.isEmpty(), "replicas went back in time: " + problems);
      List<TopicPartition> versionPartitions = new ArrayList<>();
      for (Version kept : new ControllerClient(cluster.controllerUrl()).getStore(store)
          .versions()) { // older versions are retired with their topics
        for (int p = 0; p < partitions; p++) {
          versionPartitions.add(new TopicPartition(TopicNames.versionTopic(store,
              kept.number()), p));
        }
      }
      assertOneWriterAtATime(versionPartitions);
      System.out.println(store + ": " + expected.size() + " keys, " + ackCount.get()
          + " acknowledged writes verified on " + cluster.externalServers().size()
          + " replicas; partition 0 leaders seen in order: " + leaders);
      for (ExternalProcess server : cluster.externalServers()) {
        try (var lines = Files.lines(server.logFile())) {
          lines.filter(l -> l.contains("term") || l.contains("fenced"))
              .forEach(l -> System.out.println(server.name() + " | " + l));
        }
      }
    }

    private String firstMismatch(Reads reads, int version, List<String> keys,
        Map<String, Integer> expected) {
      try {
        for (int from = 0; from < keys.size(); from += 500) {
          List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
          List<byte[]> raw = chunk.stream().map(Data::key).toList();
          for (KeyValue value : reads.batchGet(store, version, raw)) {
            String key = chunk.get(value.getKeyIndex());
            int want = expected.get(key);
            if (!value.getFound()) {
              return key + " missing (want age " + want + ")";
            }
            int age = age(value.getValue().toByteArray(), value.getSchemaId(),
                value.getCompressionStrategy());
            if (age != want) {
              return key + " has age " + age + ", want " + want;
            }
          }
        }
        return "";
      } catch (StatusRuntimeException e) {
        return "unavailable: " + e.getStatus();
      }
    }

    /**
     * Reads version-topic partitions with a plain consumer in both isolation levels (what
     * followers read, and what is physically in the log) and checks that real-time copies come
     * from one leader at a time in each: once a new leader's first copy appears, no earlier
     * leader's does. One consumer per isolation level reads every partition at once.
     */
    private void assertOneWriterAtATime(List<TopicPartition> partitions) {
      for (String isolation : List.of("read_committed", "read_uncommitted")) {
        Map<TopicPartition, List<String>> writers = new LinkedHashMap<>();
        partitions.forEach(tp -> writers.put(tp, new ArrayList<>()));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
          consumer.assign(partitions);
          consumer.seekToBeginning(partitions);
          Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, WAIT);
          long deadline = System.nanoTime() + WAIT.toNanos();
          while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
              && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
              Envelope envelope = Envelope.decode(record.value());
              if (envelope.upstreamOffset() < 0) {
                continue; // the push's own records
              }
              TopicPartition tp = new TopicPartition(record.topic(), record.partition());
              List<String> seen = writers.get(tp);
              String writer = envelope.producerId();
              if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(writer)) {
                if (seen.contains(writer)) {
                  throw new AssertionError(tp + " (" + isolation + "): leader " + writer
                      + " wrote at offset " + record.offset() + " after its successor "
                      + seen.get(seen.size() - 1) + " began");
                }
                seen.add(writer);
              }
            }
          }
          partitions.forEach(tp -> assertTrue(consumer.position(tp) >= ends.get(tp),
              tp + " (" + isolation + ") read to its end"));
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop();
      producer.close();
    }
  }

  private static GenericRecord user(String name, int age) {
    GenericRecord record = new GenericData.Record(Data.USER);
    record.put("name", name);
    record.put("age", age);
    return record;
  }

  private static int age(byte[] stored, int schemaId, String compression) {
    byte[] plain = Compression.decompress(compression.isEmpty() ? CompressionStrategy.NO_OP
        : CompressionStrategy.valueOf(compression), stored);
    assertEquals(1, schemaId, "the only value schema");
    return (Integer) ((GenericRecord) AvroSerde.deserialize(Data.USER, Data.USER, plain))
        .get("age");
  }
}
