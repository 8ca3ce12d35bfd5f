package dev.venice.runtime.common.plugin;

import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;

/**
 * The started plugins' read hooks, as the server and router read paths call them. A before-hook
 * that throws counts as {@link ReadDecision#PROCEED}; an after-hook that throws is ignored.
 *
 * <p>This is the per-key path of every read, so the two loops are written out here rather than
 * going through {@link Hooks}' general ones: no per-call lambdas beyond the guard's non-capturing
 * method references, no allocation, one guard call (class-loader switch, containment) per hook.
 * Thread-safe.
 */
public final class ReadHooks {
  private final Hooks<ReadHook> hooks;

  ReadHooks(Hooks<ReadHook> hooks) {
    this.hooks = hooks;
  }

  /**
   * The hooks of the plugins that are on for {@code store} (all of them for a {@code null} store).
   * Cheap: a cached lookup, re-checked only after a store's plugin settings change.
   */
  public ReadHooks forStore(String store) {
    return hooks.forStore(store, this, ReadHooks::new);
  }

  /** Whether no plugin added a read hook: the read path then skips hook dispatch entirely. */
  public boolean isEmpty() {
    return hooks.isEmpty();
  }

  /** Runs the before-hooks; the first answer wins. */
  public ReadDecision beforeRead(ReadRequest request) {
    for (Hooks.Guarded<ReadHook> entry : hooks.entries()) {
      PluginGuard guard = entry.guard();
      if (guard.isStopping()) {
        continue;
      }
      ReadDecision decision = guard.apply("read.before", entry.hook(), request,
          ReadHook::beforeRead, ReadDecision.PROCEED);
      if (decision.answered()) {
        return decision;
      }
    }
    return ReadDecision.PROCEED;
  }

  /** Runs every after-hook. */
  public void afterRead(ReadRequest request, ReadOutcome outcome) {
    for (Hooks.Guarded<ReadHook> entry : hooks.entries()) {
      PluginGuard guard = entry.guard();
      if (!guard.isStopping()) {
        guard.run("read.after", entry.hook(), request, outcome, ReadHook::afterRead);
      }
    }
  }
}
