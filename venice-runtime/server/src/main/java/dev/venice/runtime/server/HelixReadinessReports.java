package dev.venice.runtime.server;

import dev.venice.runtime.metadata.RoutingTable;
import org.apache.helix.HelixManager;
import org.apache.helix.customizedstate.CustomizedStateProvider;
import org.apache.helix.customizedstate.CustomizedStateProviderFactory;
import org.apache.helix.model.CustomizedState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes replicas' readiness as this server's Helix customized state of type {@value
 * RoutingTable#READINESS_STATE_TYPE}: {@value RoutingTable#READY} once a replica caught up, nothing
 * while it (re)opens or after it closed. Helix's controller aggregates the states of live
 * instances into the customized view that routers route by ({@link RoutingTable}). Thread-safe.
 */
final class HelixReadinessReports implements ReplicaManager.ReadinessReports {
  private static final Logger LOG = LoggerFactory.getLogger(HelixReadinessReports.class);

  private final HelixManager participant;
  private final Runnable onCaughtUp;
  private CustomizedStateProvider provider;

  /**
   * @param participant this server's Helix participant (connected before any replica opens)
   * @param onCaughtUp run when a replica has caught up, before its report (the server becomes
   *     READY)
   */
  HelixReadinessReports(HelixManager participant, Runnable onCaughtUp) {
    this.participant = participant;
    this.onCaughtUp = onCaughtUp;
  }

  @Override
  public boolean caughtUp(String topic, int partition) {
    onCaughtUp.run(); // it serves reads from now on, routed or not
    try {
      provider().updateCustomizedState(RoutingTable.READINESS_STATE_TYPE, topic,
          ServerNames.partitionName(topic, partition), RoutingTable.READY);
      return true;
    } catch (RuntimeException e) {
      LOG.warn("{} partition {}: caught up, but its readiness could not be written to Helix yet"
          + " (asked again in a second): {}", topic, partition, e.toString());
      return false;
    }
  }

  @Override
  public void withdraw(String topic, int partition) {
    if (!participant.isConnected()) {
      // no session, no write; a report left behind is not routed by (the replica is OFFLINE in
      // the external view) and is deleted when the replica reopens or the server restarts
      return;
    }
    String partitionName = ServerNames.partitionName(topic, partition);
    try {
      CustomizedState reported = provider().getCustomizedState(RoutingTable.READINESS_STATE_TYPE,
          topic);
      if (reported != null && reported.getRecord().getMapField(partitionName) != null) {
        provider().deletePerPartitionCustomizedState(RoutingTable.READINESS_STATE_TYPE, topic,
            partitionName);
      }
    } catch (RuntimeException e) {
      LOG.warn("{} partition {}: its readiness report could not be withdrawn from Helix: {}",
          topic, partition, e.toString());
    }
  }

  private synchronized CustomizedStateProvider provider() {
    if (provider == null) {
      provider = CustomizedStateProviderFactory.getInstance().buildCustomizedStateProvider(
          participant, participant.getInstanceName());
    }
    return provider;
  }
}
