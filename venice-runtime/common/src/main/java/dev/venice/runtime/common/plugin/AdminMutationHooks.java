package dev.venice.runtime.common.plugin;

import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.AdminVerdict;

/**
 * The started plugins' admin-mutation hooks. A before-hook that throws counts as {@link
 * AdminVerdict#PROCEED} (as in Venice: a broken validator must not lock operators out); a veto's
 * reason is prefixed with the vetoing plugin's id.
 */
public final class AdminMutationHooks {
  private final Hooks<AdminMutationHook> hooks;

  AdminMutationHooks(Hooks<AdminMutationHook> hooks) {
    this.hooks = hooks;
  }

  /**
   * The hooks of the plugins that are on for {@code store} (all of them for a {@code null} store).
   * Cheap: a cached lookup, re-checked only after a store's plugin settings change.
   */
  public AdminMutationHooks forStore(String store) {
    return hooks.forStore(store, this, AdminMutationHooks::new);
  }

  /** Whether no plugin added an admin-mutation hook. */
  public boolean isEmpty() {
    return hooks.isEmpty();
  }

  /** Runs the before-hooks; the first veto wins. */
  public AdminVerdict before(AdminMutation mutation) {
    return hooks.first("admin.before", mutation, AdminMutationHook::before, AdminVerdict.PROCEED,
        AdminVerdict::vetoed, (plugin, verdict) -> AdminVerdict.veto(plugin + ": " + verdict.reason()));
  }

  /** Runs every after-hook. */
  public void after(AdminMutation mutation, AdminOutcome outcome) {
    hooks.each("admin.after", mutation, outcome, AdminMutationHook::after);
  }
}
