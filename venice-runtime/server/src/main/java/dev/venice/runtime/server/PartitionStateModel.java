package dev.venice.runtime.server;

import org.apache.helix.NotificationContext;
import org.apache.helix.model.Message;
import org.apache.helix.participant.statemachine.StateModel;
import org.apache.helix.participant.statemachine.StateModelFactory;
import org.apache.helix.participant.statemachine.StateModelInfo;
import org.apache.helix.participant.statemachine.StateTransitionError;
import org.apache.helix.participant.statemachine.Transition;

/**
 * Helix's LeaderStandby state model for one partition replica: the transitions Helix sends drive
 * the replica's life on this server. Besides the transitions, {@link #reset()} (Helix calls it
 * when this participant's ZooKeeper session expired and a new one started: every replica goes
 * back to OFFLINE and Helix sends the transitions again) and a failed transition ({@link
 * #rollbackOnError}) close the replica, so a replica that lost its session never goes on leading.
 * Should it try to write before Helix resets it, its Kafka transaction was already fenced by its
 * successor (see {@link RealTimeLeader}).
 */
@StateModelInfo(initialState = "OFFLINE", states = {"LEADER", "STANDBY", "OFFLINE", "DROPPED",
    "ERROR"})
public final class PartitionStateModel extends StateModel {
  private final ReplicaManager replicas;
  private final String topic;
  private final int partition;

  PartitionStateModel(ReplicaManager replicas, String topic, int partition) {
    this.replicas = replicas;
    this.topic = topic;
    this.partition = partition;
  }

  /** Opens the replica and starts ingesting as a standby. */
  @Transition(from = "OFFLINE", to = "STANDBY")
  public void onBecomeStandbyFromOffline(Message message, NotificationContext context)
      throws Exception {
    replicas.open(topic, partition);
  }

  /** Becomes the partition's leader. */
  @Transition(from = "STANDBY", to = "LEADER")
  public void onBecomeLeaderFromStandby(Message message, NotificationContext context) {
    replicas.promote(topic, partition);
  }

  /** Stops leading. */
  @Transition(from = "LEADER", to = "STANDBY")
  public void onBecomeStandbyFromLeader(Message message, NotificationContext context) {
    replicas.demote(topic, partition);
  }

  /** Stops ingesting and closes the replica. */
  @Transition(from = "STANDBY", to = "OFFLINE")
  public void onBecomeOfflineFromStandby(Message message, NotificationContext context) {
    replicas.close(topic, partition);
  }

  /** Deletes the replica's data. */
  @Transition(from = "OFFLINE", to = "DROPPED")
  public void onBecomeDroppedFromOffline(Message message, NotificationContext context)
      throws Exception {
    replicas.drop(topic, partition);
  }

  /** Recovers from an error by closing the replica. */
  @Transition(from = "ERROR", to = "OFFLINE")
  public void onBecomeOfflineFromError(Message message, NotificationContext context) {
    replicas.close(topic, partition);
  }

  @Override
  public void onBecomeDroppedFromError(Message message, NotificationContext context)
      throws Exception {
    replicas.drop(topic, partition);
  }

  /** The session expired: stop leading and ingesting; Helix opens the replica again. */
  @Override
  public void reset() {
    replicas.close(topic, partition);
  }

  /** A transition failed: the replica goes to ERROR closed, leading nothing. */
  @Override
  public void rollbackOnError(Message message, NotificationContext context,
      StateTransitionError error) {
    replicas.close(topic, partition);
  }

  /** Creates one state model per partition replica Helix assigns here. */
  static final class Factory extends StateModelFactory<PartitionStateModel> {
    private final ReplicaManager replicas;

    Factory(ReplicaManager replicas) {
      this.replicas = replicas;
    }

    @Override
    public PartitionStateModel createNewStateModel(String resource, String partitionName) {
      return new PartitionStateModel(replicas, resource, ServerNames.partitionOf(partitionName));
    }
  }
}
