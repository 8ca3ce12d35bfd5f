package dev.venice.runtime.common.plugin;

import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;

/**
 * The started plugins' read hooks, as the server and router read paths call them. A before-hook
 * that throws counts as {@link ReadDecision#PROCEED}; an after-hook that throws is ignored.
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
    return hooks.first("read.before", request, ReadHook::beforeRead, ReadDecision.PROCEED,
        ReadDecision::answered, (plugin, decision) -> decision);
  }

  /** Runs every after-hook. */
  public void afterRead(ReadRequest request, ReadOutcome outcome) {
    hooks.each("read.after", request, outcome, ReadHook::afterRead);
  }
}
