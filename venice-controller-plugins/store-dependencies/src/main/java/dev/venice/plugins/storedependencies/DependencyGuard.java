package dev.venice.plugins.storedependencies;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.AdminVerdict;
import dev.venice.spi.plugin.TimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The plugin's admin-mutation hook (on the leader controller, on the request thread, before the
 * change is made; also for dry runs):
 *
 * <ul>
 *   <li>{@code CREATE_STORE} or {@code UPDATE_STORE} whose requested {@code pluginSettings} set
 *       or remove {@code plugins.store-dependencies.upstream-stores}: the graph of every store
 *       ({@link UpstreamSource}) with the requested list applied is checked, and the change vetoed
 *       when the store names itself, names a store that does not exist, or would close a cycle
 *       (the veto names the store and the cycle, {@code a -> c -> b -> a}: a reads c, c reads b, b
 *       reads a). Other changes are let through unchecked. When the store metadata cannot be
 *       read, the change is vetoed (it cannot be checked).
 *   <li>{@code DELETE_STORE} of a store that others declare upstream: let through with a warning
 *       naming them (and the stores that read it through them), which the controller adds to its
 *       answer's {@code warnings}; a tool asks for confirmation on it (a dry run gets it too).
 * </ul>
 *
 * <p>After each successful store create, update or delete, the store's upstream list afterwards is
 * given to {@link UpstreamSource#written}, so the next check sees it even before the store
 * metadata cache does.
 *
 * <p><b>Race.</b> Each check runs under the controller's lock of the store being changed only: two
 * concurrent updates of different stores (a reads b, and b reads a) are each checked against the
 * graph without the other and may together form a cycle. Nothing breaks (the dependencies are
 * declarations); {@code GET /plugins/store-dependencies/graph} reports every cycle, and the next
 * change of a store in it is refused until the cycle is broken. Thread-safe.
 */
final class DependencyGuard implements AdminMutationHook {
  private final UpstreamSource source;
  private final StoreDependenciesMetrics metrics;
  private final TimeSource time;
  private final Logger log;

  DependencyGuard(UpstreamSource source, StoreDependenciesMetrics metrics, TimeSource time,
      Logger log) {
    this.source = source;
    this.metrics = metrics;
    this.time = time;
    this.log = log;
  }

  @Override
  public AdminVerdict before(AdminMutation mutation) {
    if (mutation.store() == null) {
      return AdminVerdict.PROCEED;
    }
    return switch (mutation.operation()) {
      case CREATE_STORE, UPDATE_STORE -> requestedUpstream(mutation.requested())
          .map(raw -> checkChange(mutation.store(), raw)).orElse(AdminVerdict.PROCEED);
      case DELETE_STORE -> checkDelete(mutation.store());
      default -> AdminVerdict.PROCEED;
    };
  }

  @Override
  public void after(AdminMutation mutation, AdminOutcome outcome) {
    if (!outcome.success() || mutation.dryRun() || mutation.store() == null) {
      return;
    }
    try {
      switch (mutation.operation()) {
        case CREATE_STORE, UPDATE_STORE -> source.written(mutation.store(),
            Optional.of(UpstreamSource.lenient(setting(outcome.after()))));
        case DELETE_STORE -> source.written(mutation.store(), Optional.empty());
        default -> { }
      }
    } catch (RuntimeException e) { // an unexpected state shape: the cache will catch up
      log.warn("store {}: its upstream stores after the {} were not recorded", mutation.store(),
          mutation.operation(), e);
    }
  }

  /**
   * The requested raw {@code upstream-stores} value: empty when the request does not touch the
   * key, {@code ""} when it removes it (a {@code null} value).
   */
  private static Optional<String> requestedUpstream(Map<String, Object> requested) {
    if (!(requested.get("pluginSettings") instanceof Map<?, ?> settings)
        || !settings.containsKey(StoreDependenciesConfig.FULL_KEY)) {
      return Optional.empty();
    }
    Object value = settings.get(StoreDependenciesConfig.FULL_KEY);
    return Optional.of(value == null ? "" : String.valueOf(value));
  }

  /** The {@code upstream-stores} value in a store's state, or {@code null}. */
  private static String setting(Map<String, Object> state) {
    if (state.get("pluginSettings") instanceof Map<?, ?> settings) {
      Object value = settings.get(StoreDependenciesConfig.FULL_KEY);
      return value == null ? null : String.valueOf(value);
    }
    return null;
  }

  private AdminVerdict checkChange(String store, String raw) {
    long start = time.nanoTime();
    try {
      List<String> upstream;
      try {
        upstream = StoreDependenciesConfig.parse(raw);
      } catch (ConfigException e) {
        return AdminVerdict.veto(e.getMessage()); // the controller refuses it first (400)
      }
      if (upstream.contains(store)) {
        metrics.vetoed(StoreDependenciesMetrics.SELF);
        return AdminVerdict.veto("store " + store + " cannot be upstream of itself (in "
            + StoreDependenciesConfig.FULL_KEY + "=" + raw.strip() + ")");
      }
      DependencyGraph graph;
      try {
        graph = source.graph().with(store, upstream);
      } catch (RuntimeException e) {
        return AdminVerdict.veto("the upstream stores of store " + store + " cannot be checked:"
            + " the store metadata cannot be read (" + e.getMessage() + "); try again");
      }
      List<String> missing = graph.missingUpstream(store);
      if (!missing.isEmpty()) {
        metrics.vetoed(StoreDependenciesMetrics.MISSING_UPSTREAM);
        return AdminVerdict.veto("store " + store + " cannot read from " + (missing.size() == 1
            ? "store " + missing.get(0) + ": it does not exist"
            : "stores " + String.join(", ", missing) + ": they do not exist"));
      }
      Optional<List<String>> cycle = graph.cycleThrough(store);
      if (cycle.isPresent()) {
        metrics.vetoed(StoreDependenciesMetrics.CYCLE);
        return AdminVerdict.veto("store " + store + " cannot read from " + String.join(", ",
            upstream) + ": that would make a dependency cycle " + String.join(" -> ",
            cycle.get()) + " (each store reads the next)");
      }
      return AdminVerdict.PROCEED;
    } finally {
      metrics.checked(time.nanoTime() - start);
    }
  }

  private AdminVerdict checkDelete(String store) {
    DependencyGraph graph;
    try {
      graph = source.graph();
    } catch (RuntimeException e) {
      return AdminVerdict.proceedWithWarning("could not check which stores read store " + store
          + ": the store metadata cannot be read (" + e.getMessage() + ")");
    }
    if (!graph.exists(store)) {
      return AdminVerdict.PROCEED;
    }
    List<String> direct = graph.downstream(store, false);
    if (direct.isEmpty()) {
      return AdminVerdict.PROCEED;
    }
    List<String> further = new ArrayList<>(graph.downstream(store, true));
    further.removeAll(direct);
    metrics.warned();
    return AdminVerdict.proceedWithWarning("store " + store + " is upstream of "
        + String.join(", ", direct) + (further.isEmpty() ? ""
            : " (and, through " + (direct.size() == 1 ? "it" : "them") + ", of "
                + String.join(", ", further) + ")")
        + ": deleting it leaves " + (direct.size() == 1 ? "that store" : "those stores")
        + " reading a missing store");
  }
}
