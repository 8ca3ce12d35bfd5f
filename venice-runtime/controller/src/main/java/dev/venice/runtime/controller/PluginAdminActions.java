package dev.venice.runtime.controller;

import dev.venice.runtime.common.admin.AdminHttpException;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.spi.controller.AdminActionException;
import dev.venice.spi.controller.AdminActions;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.controller.RebalanceScope;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AdminActions} for one plugin: each call is a {@link StoreService} mutation with the
 * caller {@code plugin:<id>} (address {@code internal}), so the hooks and the audit log see it as
 * any operator's. The plugins start before the store service exists, so it is bound late ({@link
 * Binding#bind}); until then, and whenever this controller is not the leader, calls are refused
 * {@code NOT_LEADER}. Thread-safe.
 */
final class PluginAdminActions implements AdminActions {
  private static final Logger LOG = LoggerFactory.getLogger(PluginAdminActions.class);

  /** The store service and replica assignments, once the controller has built them. */
  static final class Binding {
    private volatile StoreService stores;
    private volatile ReplicaAssignments assignments;

    void bind(StoreService stores, ReplicaAssignments assignments) {
      this.assignments = Objects.requireNonNull(assignments, "assignments");
      this.stores = Objects.requireNonNull(stores, "stores");
    }
  }

  private final Caller caller;
  private final Binding binding;
  private final BooleanSupplier isLeader;

  PluginAdminActions(String pluginId, Binding binding, BooleanSupplier isLeader) {
    this.caller = new Caller("plugin:" + pluginId, "internal");
    this.binding = binding;
    this.isLeader = isLeader;
  }

  @Override
  public boolean rebalance(String store, int version, RebalanceScope scope, boolean dryRun) {
    Objects.requireNonNull(scope, "scope");
    if (version < 1) {
      throw new AdminActionException(AdminActionException.Reason.INVALID, "store " + store
          + ": version " + version + " is not a version number (1 or more)");
    }
    return run(store, stores -> {
      String resource = TopicNames.versionTopic(store, version);
      ReplicaAssignments assignments = binding.assignments;
      return stores.rebalance(store, version, scope, caller, dryRun, () -> {
        LOG.info("{} rebalance of store {} version {} requested by {}", scope, store, version,
            caller.principal());
        return scope == RebalanceScope.REPLICAS ? assignments.placeMissingReplicas(resource)
            : !assignments.preferLeaders(List.of(resource)).isEmpty();
      });
    });
  }

  @Override
  public void updateTopicConfigs(String store, Map<String, Map<String, String>> configsByTopic,
      boolean dryRun) {
    Map<String, Map<String, String>> copy = Map.copyOf(configsByTopic);
    copy.values().forEach(configs -> Objects.requireNonNull(configs, "configs"));
    run(store, stores -> {
      stores.updateTopicConfigs(store, copy, caller, dryRun);
      return null;
    });
  }

  private <T> T run(String store, Function<StoreService, T> action) {
    StoreService stores = binding.stores;
    if (stores == null || !isLeader.getAsBoolean()) {
      throw new AdminActionException(AdminActionException.Reason.NOT_LEADER, "store " + store
          + ": this controller is not the leader"
          + (stores == null ? " (it is still starting)" : "") + "; nothing was changed");
    }
    try {
      return action.apply(stores);
    } catch (AdminHttpException e) {
      throw new AdminActionException(reason(e), e.getMessage());
    } catch (RuntimeException e) { // Helix or ZooKeeper
      LOG.warn("store {}: admin action of {} failed", store, caller.principal(), e);
      throw new AdminActionException(AdminActionException.Reason.FAILED, "store " + store + ": "
          + e);
    }
  }

  private static AdminActionException.Reason reason(AdminHttpException e) {
    return switch (e.type()) {
      case STORE_NOT_FOUND, VERSION_NOT_FOUND, TOPIC_NOT_FOUND, NOT_FOUND ->
          AdminActionException.Reason.NOT_FOUND;
      case VETOED -> AdminActionException.Reason.VETOED;
      case NOT_LEADER, NO_LEADER -> AdminActionException.Reason.NOT_LEADER;
      default -> switch (e.status()) {
        case 400 -> AdminActionException.Reason.INVALID;
        case 409 -> AdminActionException.Reason.CONFLICT;
        default -> AdminActionException.Reason.FAILED;
      };
    };
  }
}
