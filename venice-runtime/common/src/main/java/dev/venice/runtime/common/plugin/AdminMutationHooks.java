package dev.venice.runtime.common.plugin;

import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.AdminVerdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The started plugins' admin-mutation hooks. A before-hook that throws counts as {@link
 * AdminVerdict#PROCEED} (as in Venice: a broken validator must not lock operators out); a veto's
 * reason and a warning are prefixed with the plugin's id.
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

  /**
   * What the before-hooks decided together.
   *
   * @param vetoReason the first veto in plugin order, prefixed with the plugin id; {@code null}
   *     when every hook let the operation proceed
   * @param warnings every hook's warning, each prefixed with its plugin id, in plugin order
   */
  public record Before(String vetoReason, List<String> warnings) {
    /** Every hook let the operation proceed, without a warning. */
    public static final Before PROCEED = new Before(null, List.of());

    /** Whether a hook vetoed the operation. */
    public boolean vetoed() {
      return vetoReason != null;
    }
  }

  /** Asks every before-hook; the first veto wins, and every warning is kept. */
  public Before before(AdminMutation mutation) {
    String veto = null;
    List<String> warnings = new ArrayList<>();
    for (Hooks.Decision<AdminVerdict> d : hooks.all("admin.before", mutation,
        AdminMutationHook::before, AdminVerdict.PROCEED)) {
      AdminVerdict verdict = d.value() == null ? AdminVerdict.PROCEED : d.value();
      if (verdict.vetoed() && veto == null) {
        veto = d.pluginId() + ": " + verdict.reason();
      } else if (verdict.warning() != null) {
        warnings.add(d.pluginId() + ": " + verdict.warning());
      }
    }
    return new Before(veto, List.copyOf(warnings));
  }

  /** Runs every after-hook. */
  public void after(AdminMutation mutation, AdminOutcome outcome) {
    hooks.each("admin.after", mutation, outcome, AdminMutationHook::after);
  }
}
