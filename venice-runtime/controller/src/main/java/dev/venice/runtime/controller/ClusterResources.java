package dev.venice.runtime.controller;

import dev.venice.runtime.common.admin.AdminErrorType;
import dev.venice.runtime.common.admin.AdminHttpException;
import dev.venice.runtime.metadata.RoutingTable;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.helix.HelixAdmin;
import org.apache.helix.HelixDataAccessor;
import org.apache.helix.HelixException;
import org.apache.helix.PropertyKey;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.manager.zk.ZKHelixDataAccessor;
import org.apache.helix.manager.zk.ZkBaseDataAccessor;
import org.apache.helix.model.ClusterConfig;
import org.apache.helix.model.CurrentState;
import org.apache.helix.model.IdealState;
import org.apache.helix.model.LeaderStandbySMD;
import org.apache.helix.model.LiveInstance;
import org.apache.helix.zookeeper.datamodel.ZNRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka topics and Helix resources behind store versions. Every call is idempotent, so a new
 * leader can finish what a failed one started.
 */
final class ClusterResources implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterResources.class);
  private static final long KAFKA_TIMEOUT_SECONDS = 30;

  private final String cluster;
  private final HelixAdmin helix;
  private final ZkBaseDataAccessor<ZNRecord> helixStore;
  private final HelixDataAccessor helixData;
  private final Admin kafka;
  private final short kafkaReplicationFactor;

  ClusterResources(String cluster, String zkAddress, String kafkaBootstrap, int kafkaRf) {
    this.cluster = cluster;
    this.helix = new ZKHelixAdmin(zkAddress);
    this.helixStore = new ZkBaseDataAccessor<>(zkAddress);
    this.helixData = new ZKHelixDataAccessor(cluster, helixStore);
    this.kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
    this.kafkaReplicationFactor = (short) kafkaRf;
  }

  /**
   * Creates the Helix cluster and the LeaderStandby state model if they are missing, and sets the
   * cluster's rebalance delay.
   *
   * @param rebalanceDelay how long Helix keeps the replicas of a server that left for it before
   *     placing them on others (Helix's delayed rebalance, Venice's {@code delay.to.rebalance.ms});
   *     zero places them at once. Every controller writes it at start: the last one started wins,
   *     so give them all the same.
   */
  void setUpCluster(Duration rebalanceDelay) {
    try {
      helix.addCluster(cluster, false);
    } catch (HelixException raced) {
      LOG.debug("cluster {} created concurrently", cluster, raced);
    }
    if (!helix.getStateModelDefs(cluster).contains(LeaderStandbySMD.name)) {
      try {
        helix.addStateModelDef(cluster, LeaderStandbySMD.name, LeaderStandbySMD.build());
      } catch (HelixException raced) {
        LOG.debug("state model added concurrently", raced);
      }
    }
    // Helix aggregates the servers' readiness reports into the customized view routers read
    try {
      helix.addTypeToCustomizedStateConfig(cluster, RoutingTable.READINESS_STATE_TYPE);
    } catch (HelixException alreadyThere) {
      LOG.debug("customized state type {} already aggregated", RoutingTable.READINESS_STATE_TYPE,
          alreadyThere);
    }
    PropertyKey key = helixData.keyBuilder().clusterConfig();
    ClusterConfig current = helixData.getProperty(key);
    long delayMs = rebalanceDelay.toMillis();
    boolean enabled = delayMs > 0;
    if (current == null || current.getRebalanceDelayTime() != delayMs
        || current.isDelayRebalaceEnabled() != enabled) {
      ClusterConfig change = new ClusterConfig(cluster);
      change.setRebalanceDelayTime(delayMs);
      change.setDelayRebalaceEnabled(enabled); // Helix's spelling
      helixData.updateProperty(key, change); // merges these two fields; the others stay
      LOG.info("cluster {}: Helix rebalance delay set to {} ms (it was {} ms)", cluster, delayMs,
          current == null ? "unset" : current.getRebalanceDelayTime());
    }
  }

  /** Creates a version's topic and its FULL_AUTO LeaderStandby Helix resource. */
  void createVersion(String topic, int partitions, int replicationFactor) {
    createTopic(topic, partitions);
    if (!helix.getResourcesInCluster(cluster).contains(topic)) {
      helix.addResource(cluster, topic, partitions, LeaderStandbySMD.name,
          IdealState.RebalanceMode.FULL_AUTO.name());
      IdealState idealState = helix.getResourceIdealState(cluster, topic);
      idealState.setMinActiveReplicas(Math.max(1, replicationFactor - 1));
      idealState.setRebalancerClassName(StickyLeaderRebalancer.class.getName());
      helix.setResourceIdealState(cluster, topic, idealState);
      helix.rebalance(cluster, topic, replicationFactor);
    }
  }

  /** Removes a version's Helix resource and topic. */
  void dropVersion(String topic) {
    if (helix.getResourcesInCluster(cluster).contains(topic)) {
      helix.dropResource(cluster, topic);
    }
    deleteTopic(topic);
  }

  void createTopic(String topic, int partitions) {
    await(kafka.createTopics(List.of(new NewTopic(topic, partitions, kafkaReplicationFactor)))
        .all(), "create topic " + topic, TopicExistsException.class);
  }

  void deleteTopic(String topic) {
    await(kafka.deleteTopics(List.of(topic)).all(), "delete topic " + topic,
        UnknownTopicOrPartitionException.class);
  }

  /**
   * Sets configuration entries of topics with one {@code incrementalAlterConfigs} call ({@code
   * SET} operations; entries not named keep their values). Kafka applies each topic on its own, so
   * a refusal may leave the others applied: the exception then names both.
   *
   * @param configsByTopic topic to config name to value
   * @throws AdminHttpException {@code TOPIC_NOT_FOUND} when every refused topic does not exist;
   *     else {@code KAFKA_UNAVAILABLE} with Kafka's reason per topic (an unknown config name, a
   *     bad value) or when Kafka does not answer within 30 s
   */
  void alterTopicConfigs(Map<String, Map<String, String>> configsByTopic) {
    Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
    configsByTopic.forEach((topic, configs) -> changes.put(
        new ConfigResource(ConfigResource.Type.TOPIC, topic), configs.entrySet().stream()
            .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()),
                AlterConfigOp.OpType.SET))
            .toList()));
    Map<ConfigResource, KafkaFuture<Void>> results = kafka.incrementalAlterConfigs(changes)
        .values();
    String what = "alter the configs of topics " + configsByTopic.keySet();
    // completes when every topic's does (a refusal is read per topic below); bounded by 30 s
    await(KafkaFuture.allOf(results.values().toArray(KafkaFuture[]::new)), what,
        Throwable.class);
    Map<String, String> refused = new TreeMap<>();
    Set<String> applied = new TreeSet<>();
    boolean missingOnly = true;
    for (Map.Entry<ConfigResource, KafkaFuture<Void>> result : results.entrySet()) {
      String topic = result.getKey().name();
      try {
        result.getValue().get(); // done: allOf completed
        applied.add(topic);
      } catch (ExecutionException e) {
        refused.put(topic, String.valueOf(e.getCause()));
        missingOnly &= e.getCause() instanceof UnknownTopicOrPartitionException;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw kafkaFailure(what, e);
      }
    }
    if (!refused.isEmpty()) {
      LOG.warn("Kafka: {}: refused {}, applied {}", what, refused, applied);
      throw new AdminHttpException(missingOnly ? AdminErrorType.TOPIC_NOT_FOUND
          : AdminErrorType.KAFKA_UNAVAILABLE, "Kafka refused the configs of " + refused
          + (applied.isEmpty() ? "" : "; it applied those of " + applied));
    }
  }

  Set<String> topics() {
    return await(kafka.listTopics().names(), "list topics", null);
  }

  /** Waits for a Kafka admin call; {@code harmless} is a failure that counts as done. */
  private static <T> T await(KafkaFuture<T> future, String what,
      Class<? extends Throwable> harmless) {
    try {
      return future.get(KAFKA_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (harmless != null && harmless.isInstance(e.getCause())) {
        return null;
      }
      throw kafkaFailure(what, e.getCause());
    } catch (TimeoutException e) {
      throw kafkaFailure(what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw kafkaFailure(what, e);
    }
  }

  List<String> helixResources() {
    return helix.getResourcesInCluster(cluster);
  }

  List<String> storageInstances() {
    return helix.getInstancesInCluster(cluster);
  }

  /** Helix's view of the cluster in ZooKeeper, for reads (and the few writes a caller owns). */
  HelixDataAccessor helixData() {
    return helixData;
  }

  /** Whether {@code instance} is a live participant of the cluster right now. */
  boolean isLive(String instance) {
    return helixData.getProperty(helixData.keyBuilder().liveInstance(instance)) != null;
  }

  /**
   * The state of a replica in its instance's Helix current state (its live session), e.g. {@code
   * STANDBY}; empty when the instance is not live or does not hold that partition.
   */
  Optional<String> replicaState(String instance, String resource, int partition) {
    LiveInstance live = helixData.getProperty(helixData.keyBuilder().liveInstance(instance));
    if (live == null) {
      return Optional.empty();
    }
    CurrentState state = helixData.getProperty(helixData.keyBuilder().currentState(instance,
        live.getEphemeralOwner(), resource));
    return state == null ? Optional.empty()
        : Optional.ofNullable(state.getState(resource + "_" + partition));
  }

  private static AdminHttpException kafkaFailure(String what, Throwable cause) {
    LOG.warn("Kafka: {} failed", what, cause);
    return new AdminHttpException(AdminErrorType.KAFKA_UNAVAILABLE, "Kafka could not " + what + ": "
        + cause);
  }

  @Override
  public void close() {
    kafka.close();
    helixStore.close();
    helix.close();
  }
}
